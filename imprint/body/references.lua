-- Formats one bibliography (given as the file `imprint-bibliography`) in each
-- of several CSL styles (`imprint-styles`: paths) with Pandoc's citeproc, in
-- one run: the article's own "For citation" line and its "Cite as" lines.
-- The document's blocks become one Div per style, in order, holding the
-- reference list Pandoc's citeproc made.

function Pandoc(doc)
  local blocks = {}
  local everything = pandoc.Inlines{pandoc.Cite({}, {pandoc.Citation("*", "NormalCitation")})}
  for _, style in ipairs(doc.meta["imprint-styles"]) do
    local meta = {
      bibliography = doc.meta["imprint-bibliography"],
      csl = style,
      lang = doc.meta.lang,
      nocite = everything,
    }
    local formatted = pandoc.utils.citeproc(pandoc.Pandoc({}, meta))
    table.insert(blocks, pandoc.Div(formatted.blocks))
  end
  return pandoc.Pandoc(blocks, doc.meta)
end
