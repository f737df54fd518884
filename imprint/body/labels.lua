-- The Lua of the reading of an article's text and of its Markdown fields where
-- they hold an HTML label, given apart from rawtex.lua: a filter of every list of
-- inlines makes Pandoc hand each of them to Lua, which doubled the reading of a
-- text with 250 formulas (0.10 s to 0.20 s).
--
-- `<span data-label="fig:frog"></span>`: a LaTeX \label as Pandoc writes it in
-- Markdown it converted from LaTeX (rticles' PNAS template has one in a caption):
-- the \label it stands for (numbering.py finds it), not HTML printed as text.
function Inlines(inlines)
  for i = #inlines - 1, 1, -1 do
    local open, close = inlines[i], inlines[i + 1]
    local label = open.t == "RawInline" and open.format == "html"
      and open.text:match('^<span data%-label="([%w:._-]+)"%s*>$')
    if label and close.t == "RawInline" and close.format == "html" and close.text == "</span>" then
      inlines[i] = pandoc.RawInline("tex", "\\label{" .. label .. "}")
      inlines:remove(i + 1)
    end
  end
  return inlines
end
