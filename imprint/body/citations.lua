-- The Lua of the article's reading (references.lua formats single records):
-- citations made ready for Pandoc's citeproc, in the run that reads the article
-- (so that no second Pandoc has to start). Python does everything else
-- (reader.py, structure.py).
--
-- 1. Cross-references stay out of citeproc. `@fig-map` is Pandoc citation
--    syntax, but it names a figure, not a work: a note style would turn it into
--    a footnote. A citation whose every key has a cross-reference prefix (given
--    in the metadata as `imprint-crossref-prefixes`, or pandoc-crossref's with a
--    colon, `@fig:map`, `imprint-crossref-colon-prefixes`) becomes a Span of class
--    `imprint-xref` with its citations as JSON; links.py resolves it. In a
--    bracket with works, such a Span goes into a work's prefix or suffix.
-- 2. A group of works in the style's order even when one has a prefix ("see")
--    or a suffix that is not a locator. Pandoc's citeproc then leaves the group
--    as written, and citeproc-js (Zotero's engine) sorts it all the same. A
--    first run of citeproc on the bare groups (no prefixes, no suffixes) tells
--    the style's order, and such groups are put in it before Pandoc's own run.
-- 3. Where the bibliography goes, written as HTML (`<div id="refs"></div>`, as
--    Pandoc's manual and R Markdown's templates write it): Imprint reads without
--    native divs (an HTML div is raw HTML), so it becomes the div `::: {#refs}`
--    would, in which citeproc puts the list.

local prefixes = {}
local colon_prefixes = {}  -- pandoc-crossref's (`@fig:map`)
local colon_keys = {}  -- the bibliography's keys of that shape, which cite works

local function is_crossref(id)
  local prefix = id:match("^(%a+)%-")
  local colon = id:match("^(%a+):")
  return prefix ~= nil and prefixes[prefix:lower()] == true
    or colon ~= nil and colon_prefixes[colon:lower()] == true and not colon_keys[id]
end

local function xref(citations, content)
  return pandoc.Span(content, {class = "imprint-xref", ["data-citations"] = pandoc.json.encode(citations)})
end

-- A bracket of works and cross-references, [@fig-map; @smith2015]: the
-- cross-references in the citation's parentheses, "(Figure 1; Smith 2015)", as
-- the prefix of the work after them ("Figure 1;"), or the suffix of the last
-- ("; Figure 1"). (Quarto loses the works, pandoc-crossref prints "fig. 1,
-- (Smith 2015)".)
local function crossref(cite)
  local works, refs = pandoc.List{}, pandoc.List{}
  for _, citation in ipairs(cite.citations) do
    if is_crossref(citation.id) then
      refs:insert(citation)
    else
      if #refs > 0 then
        local prefix = pandoc.Inlines{xref(refs, {}), pandoc.Str(";"), pandoc.Space()}
        prefix:extend(citation.prefix)
        citation.prefix, refs = prefix, pandoc.List{}
      end
      works:insert(citation)
    end
  end
  if #works == 0 then
    return xref(cite.citations, cite.content)
  end
  if #refs == 0 and #works == #cite.citations then
    return nil
  end
  if #refs > 0 then
    local last = works[#works]
    local suffix = pandoc.Inlines(last.suffix)
    suffix:extend{pandoc.Str(";"), pandoc.Space(), xref(refs, {})}
    last.suffix = suffix
  end
  cite.citations = works
  return cite
end

local function has_affix(cite)
  for _, citation in ipairs(cite.citations) do
    if #citation.prefix > 0 or #citation.suffix > 0 then
      return true
    end
  end
  return false
end

-- The keys of a group in the order citeproc rendered them (its links to the
-- reference list), or nil when that cannot be told item by item.
local function rendered_order(cite, count)
  local keys, seen = {}, {}
  cite.content:walk{
    Link = function(link)
      local key = link.target:match("^#ref%-(.+)$")
      if key and not seen[key] then
        seen[key] = true
        table.insert(keys, key)
      end
    end,
  }
  if #keys ~= count then
    return nil
  end
  return keys
end

local function sort_groups(doc)
  local bare, wanted, any = {}, {}, false
  doc:walk{
    Cite = function(cite)
      local citations = {}
      for _, c in ipairs(cite.citations) do
        table.insert(citations, pandoc.Citation(c.id, c.mode))
      end
      table.insert(bare, pandoc.Para{pandoc.Cite({}, citations)})
      local affixed = #cite.citations > 1 and has_affix(cite)
      table.insert(wanted, affixed)
      any = any or affixed
    end,
  }
  if not any then
    return doc
  end
  local meta = pandoc.Meta{}
  for key, value in pairs(doc.meta) do
    meta[key] = value
  end
  meta.nocite = nil
  meta["link-citations"] = true
  local formatted = pandoc.utils.citeproc(pandoc.Pandoc(bare, meta))
  local orders = {}
  for index, para in ipairs(formatted.blocks) do
    if wanted[index] then
      para:walk{Cite = function(cite) orders[index] = rendered_order(cite, #cite.citations) end}
    end
  end
  local index = 0
  local written = pandoc.List{}  -- each reordered group as written, in its new order's
  doc = doc:walk{                -- place (for the citeproc-js goldens: reader.py)
    Cite = function(cite)
      index = index + 1
      local order = orders[index]
      if not order then
        return nil
      end
      local by_key, as_written = {}, pandoc.List{}
      for _, c in ipairs(cite.citations) do
        by_key[c.id] = c
        as_written:insert(pandoc.MetaString(c.id))
      end
      local sorted = {}
      for _, key in ipairs(order) do
        if not by_key[key] then
          return nil
        end
        table.insert(sorted, by_key[key])
      end
      cite.citations = sorted
      written:insert(as_written)
      return cite
    end,
  }
  doc.meta["imprint-written-order"] = written
  return doc
end

-- (an HTML comment before the div is part of its raw block: Manubot's templates
-- write `<!-- Explicitly insert bibliography here -->` on the line above)
local function uncommented(raw)
  return (raw.text:gsub("<!%-%-.-%-%->", ""))
end

-- LaTeX's place for the list (biblatex's \printbibliography, BibTeX's \bibliography{...}):
-- the first is the list's place; another (a thesis's list per chapter) stays raw TeX,
-- which Python says is left out.
local placed_by_tex = false

local function tex_place(block)
  if placed_by_tex or block.t ~= "RawBlock" or (block.format ~= "tex" and block.format ~= "latex") then
    return false
  end
  local text = block.text:gsub("%%[^\n]*", "")
  if text:match("^%s*\\printbibliography%s*%b[]%s*$") or text:match("^%s*\\printbibliography%s*$")
      or text:match("^%s*\\bibliography%s*%b{}%s*$") then
    placed_by_tex = true
    return true
  end
  return false
end

local function refs_div(blocks)
  local out = pandoc.Blocks{}
  local index = 1
  while index <= #blocks do
    local block, next_block = blocks[index], blocks[index + 1]
    local raw = block.t == "RawBlock" and block.format == "html"
    if tex_place(block) then
      out:insert(pandoc.Div({}, {id = "refs"}))
      index = index + 1
    elseif raw and uncommented(block):match('^%s*<div%s+id="refs"[^>]*>%s*</div>%s*$') then
      out:insert(pandoc.Div({}, {id = "refs"}))
      index = index + 1
    elseif raw and next_block and next_block.t == "RawBlock" and next_block.format == "html"
        and next_block.text:match("^%s*</div>%s*$") and uncommented(block):match('^%s*<div%s+id="refs"[^>]*>%s*$') then
      out:insert(pandoc.Div({}, {id = "refs"}))
      index = index + 2
    else
      out:insert(block)
      index = index + 1
    end
  end
  return out
end

function Pandoc(doc)
  doc.blocks = refs_div(doc.blocks):walk{Blocks = refs_div}
  for _, p in ipairs(doc.meta["imprint-crossref-prefixes"] or {}) do
    prefixes[pandoc.utils.stringify(p)] = true
  end
  for _, p in ipairs(doc.meta["imprint-crossref-colon-prefixes"] or {}) do
    colon_prefixes[pandoc.utils.stringify(p)] = true
  end
  for key, _ in pairs(doc.meta["imprint-colon-keys"] or {}) do
    colon_keys[key] = true
  end
  doc = doc:walk{Cite = crossref}
  return sort_groups(doc)
end
