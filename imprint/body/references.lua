-- Formats bibliographies with Pandoc's citeproc, in one run: each job of
-- `imprint-jobs` names a bibliography file, a CSL style file and a language
-- (an article's own "For citation" line and its "Cite as" lines; or the lines
-- of many articles, formatted ahead). The document's blocks become one Div
-- per job, in order, holding the reference list Pandoc's citeproc made.

function Pandoc(doc)
  local blocks = {}
  local everything = pandoc.Inlines{pandoc.Cite({}, {pandoc.Citation("*", "NormalCitation")})}
  for _, job in ipairs(doc.meta["imprint-jobs"]) do
    local meta = {
      bibliography = job.bibliography,
      csl = job.csl,
      lang = job.lang,
      nocite = everything,
    }
    local formatted = pandoc.utils.citeproc(pandoc.Pandoc({}, meta))
    table.insert(blocks, pandoc.Div(formatted.blocks))
  end
  return pandoc.Pandoc(blocks, doc.meta)
end
