-- The Lua of formulas.py's Pandoc run: each formula's text form, as Pandoc's
-- plain writer gives it (Unicode where it can: "k̂", "α² + β"; else its TeX),
-- set on the div that holds it. The PDF outline, the EPUB navigation and the
-- citation records show a formula in a title as this text.

function Div(div)
  local text = pandoc.write(pandoc.Pandoc({pandoc.Plain(pandoc.utils.blocks_to_inlines(div.content))}), "plain")
  div.attributes["data-text"] = text:match("^(.*%S)") or ""  -- (trimmed in one pass)
  return div
end
