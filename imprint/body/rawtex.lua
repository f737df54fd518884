-- The Lua of the reading of an article's text and of its Markdown fields: raw
-- TeX in a sentence (`\texttt{stella}`, `\textit{TESS}`, `\textsc{SciPol}`,
-- `\url{...}`), read by Pandoc's LaTeX reader into the formatting it stands for,
-- where that is text both editions print as it is: emphasis, bold, small caps,
-- code, sub- and superscript, a link. Pandoc's own HTML writers drop such TeX;
-- written by authors who had LaTeX in mind (JOSS papers), it is their text.
--
-- LaTeX's display math environments (\begin{equation}, align, gather...)
-- become formulas; its floats (\begin{figure} with \includegraphics and
-- \caption, \begin{table} with a tabular) figures and tables, their \label kept
-- in the caption, where numbering.py finds LaTeX's labels; its citations
-- (\cite, \citep, \citet, \parencite, \textcite...) citations.
--
-- Left raw (Python says each is left out, or reads it itself): labels and
-- references (\label, \ref: numbering.py), macro definitions (Pandoc applies
-- them to the formulas), \today (a build never depends on its day), and what
-- reads as more than such text (a citation, a note, a colour, spacing).

local KEEP = {
  label = true, ref = true, eqref = true, autoref = true, cref = true, Cref = true, pageref = true,
  newcommand = true, renewcommand = true, providecommand = true, def = true, DeclareMathOperator = true,
  today = true,
}

-- Commands with which Pandoc's LaTeX reader reads a file (`\\input{/etc/passwd}`):
-- a text holding one is never read here. pandoc.read in a filter is not held by
-- the run's --sandbox (measured, Pandoc 3.9: the file's text was printed).
local READS_FILES = {
  "input", "include", "subfile", "import", "subimport", "inputfrom", "includefrom", "subinputfrom",
  "subincludefrom", "lstinputlisting", "verbatiminput", "VerbatimInput", "inputminted", "usepackage",
  "RequirePackage", "documentclass", "LoadClass", "InputIfFileExists", "IfFileExists", "openin", "bibliography",
  "addbibresource", "includeonly", "externaldocument",
}

local function reads_files(text)
  for _, name in ipairs(READS_FILES) do
    if text:find("\\" .. name .. "%f[^%a]") then
      return true
    end
  end
  return false
end

-- Journal classes' text macros that authors write in Markdown for them (JSS and
-- the R Journal: \pkg{plyr}, \proglang{R}, \code{x}; Copernicus: \chem{H_2O},
-- \unit{km\,h^{-1}}), defined as those classes print them; Pandoc's LaTeX reader
-- drops a command it does not know, and its text with it.
local CLASS_MACROS = table.concat({
  "\\newcommand{\\pkg}[1]{\\textbf{#1}}", "\\newcommand{\\CRANpkg}[1]{\\textbf{#1}}",
  "\\newcommand{\\BIOpkg}[1]{\\textbf{#1}}", "\\newcommand{\\proglang}[1]{#1}",
  "\\newcommand{\\code}[1]{\\texttt{#1}}", "\\newcommand{\\samp}[1]{\\texttt{#1}}",
  "\\newcommand{\\file}[1]{\\texttt{#1}}", "\\newcommand{\\fct}[1]{\\texttt{#1()}}",
  "\\newcommand{\\dfn}[1]{\\emph{#1}}", "\\newcommand{\\chem}[1]{\\ensuremath{\\mathrm{#1}}}",
  "\\newcommand{\\unit}[1]{\\ensuremath{\\mathrm{#1}}}",
  -- (the names of TeX's programs the reader does not know: \LaTeX and \TeX it does)
  "\\newcommand{\\BibTeX}{BibTeX}", "\\newcommand{\\XeTeX}{XeTeX}", "\\newcommand{\\LuaTeX}{LuaTeX}",
  "\\newcommand{\\pdfLaTeX}{pdfLaTeX}", "\\newcommand{\\ConTeXt}{ConTeXt}",
}, "")

-- siunitx's units with \per, \squared, \cubed, \square, \cubic written as powers
-- (\tothe{n}), which Pandoc 3.9's siunitx reader prints right: it dropped a
-- leading \per's ⁻¹ ("1.49 Å" for \per\angstrom) and doubled the minus after a
-- power ("W m³ K⁻⁻¹" for \watt\per\meter\cubed\per\kelvin). Units of any other
-- shape (literal, "m.s^{-1}") are left as they are.
local PREFIXES = {}
for name in ("yocto zepto atto femto pico nano micro milli centi deci deca deka hecto kilo mega giga tera " ..
             "peta exa zetta yotta"):gmatch("%a+") do
  PREFIXES[name] = true
end

local function powers(units)
  local out, per, before, prefix, last, pos = {}, false, nil, "", nil, 1
  while pos <= #units do
    local name, after = units:match("^\\(%a+)()", pos)
    if name == nil then
      if not units:sub(pos, pos):match("%s") then
        return nil
      end
      pos = pos + 1
    elseif name == "per" then
      per, pos = true, after
    elseif name == "square" or name == "cubic" then
      before, pos = (name == "square" and 2 or 3), after
    elseif name == "squared" or name == "cubed" then
      if last == nil then
        return nil
      end
      last.power, pos = last.power * (name == "squared" and 2 or 3), after
    elseif name == "tothe" or name == "raiseto" then
      local n, next_pos = units:match("^%s*{%s*(%-?%d+)%s*}()", after)
      if n == nil or (name == "tothe" and last == nil) then
        return nil
      end
      if name == "tothe" then
        last.power = last.power * tonumber(n)
      else
        before = tonumber(n)
      end
      pos = next_pos
    elseif PREFIXES[name] then
      prefix, pos = prefix .. "\\" .. name, after
    else
      last = {text = prefix .. "\\" .. name, power = (before or 1) * (per and -1 or 1)}
      out[#out + 1] = last
      per, before, prefix, pos = false, nil, "", after
    end
  end
  if per or before or prefix ~= "" then
    return nil
  end
  local parts = {}
  for _, unit in ipairs(out) do
    parts[#parts + 1] = unit.text .. (unit.power ~= 1 and ("\\tothe{" .. unit.power .. "}") or "")
  end
  return table.concat(parts)
end

-- The commands whose n-th argument is a unit.
local UNIT_ARGUMENT = {si = 1, unit = 1, SI = 2, qty = 2, SIlist = 2, qtylist = 2, SIproduct = 2, qtyproduct = 2,
                       SIrange = 3, qtyrange = 3}

local function units_as_powers(text)
  if not (text:find("\\per", 1, true) or text:find("\\squared", 1, true) or text:find("\\cubed", 1, true)
          or text:find("\\square", 1, true) or text:find("\\cubic", 1, true)) then
    return text
  end
  local out, pos = {}, 1
  while true do
    local start, name, after = text:match("()\\(%a+)()", pos)
    if start == nil then
      break
    end
    local wanted = UNIT_ARGUMENT[name]
    out[#out + 1] = text:sub(pos, after - 1)
    pos = after
    if wanted then
      local options = text:match("^%s*%b[]", pos)
      pos = pos + (options and #options or 0)
      for index = 1, wanted do
        local space, group = text:match("^(%s*)(%b{})", pos)
        if group == nil then
          break
        end
        local fixed = index == wanted and powers(group:sub(2, -2)) or nil
        out[#out + 1] = (options or "") .. space .. (fixed and ("{" .. fixed .. "}") or group)
        options = nil
        pos = pos + #space + #group
      end
    end
  end
  out[#out + 1] = text:sub(pos)
  return table.concat(out)
end

-- Commands that change only the layout, which Pandoc's LaTeX reader drops: left
-- out quietly where TeX is read as text (inline_text()). Any other command the
-- reader does not know leaves the TeX raw, told: it dropped them silently, with
-- what they meant (linguex's `\ex. \ag. Ich kenne...` printed ". . Ich kenne").
local LAYOUT_ONLY = {
  noindent = true, indent = true, centering = true, raggedright = true, raggedleft = true, par = true,
  small = true, footnotesize = true, scriptsize = true, tiny = true, large = true, Large = true, LARGE = true,
  normalsize = true, hfill = true, medskip = true, smallskip = true, bigskip = true, null = true,
}

local function read_latex(text, unknown_raw)
  if reads_files(text) then
    return false, nil
  end
  local read, document = pcall(pandoc.read, CLASS_MACROS .. units_as_powers(text),
                               unknown_raw and "latex+raw_tex" or "latex")
  if read and unknown_raw then
    document = document:walk {
      RawInline = function (raw)
        local command = raw.text:match("^\\(%a+)%s*$")
        if command and LAYOUT_ONLY[command] then
          return pandoc.Inlines{}
        end
      end,
    }
  end
  return read, document
end

local TEXT = {
  Str = true, Space = true, SoftBreak = true, LineBreak = true, Emph = true, Strong = true, SmallCaps = true,
  Underline = true, Strikeout = true, Superscript = true, Subscript = true, Code = true, Link = true,
  Quoted = true, Cite = true, Math = true, Note = true,
}

-- The citation commands read as citations: one group of keys, a citation's
-- whole text (not \citeauthor's or \citeyear's part of it, not biblatex's
-- \cites{a}{b}). locate.py finds the same.
local CITES = {
  cite = true, citep = true, citet = true, citealp = true, Cite = true, Citep = true, Citet = true,
  parencite = true, Parencite = true, textcite = true, Textcite = true, autocite = true, Autocite = true,
}

-- (a citation's text is citeproc's to write; the reader put the raw TeX there)
local CITED = {
  Cite = function (cite)
    cite.content = pandoc.Inlines{}
    return cite
  end,
}

-- A \ref (\eqref, \autoref, ...) read by Pandoc's LaTeX reader inside a float (a
-- link to "#fig:one" that reads "[fig:one]") given back as the raw TeX it was,
-- which numbering.py resolves as it does one in the text.
local REFERENCES = {
  Link = function (link)
    local kind, label = link.attributes["reference-type"], link.attributes["reference"]
    if kind and label and KEEP[kind] then
      return pandoc.RawInline("tex", "\\" .. kind .. "{" .. label .. "}")
    end
  end,
}

local function as_text(inlines)
  local plain = true
  local result = inlines:walk(CITED):walk {
    Inline = function (inline)
      if not TEXT[inline.t] then
        plain = false
      end
    end,
    Link = function (link)
      -- (\url{example.org/x} has no scheme: LaTeX prints it, in type, and so does Imprint;
      -- \href{#intro}{...} is a link as [...](#intro) is, checked as that is)
      if link.classes:includes("uri") and not link.target:match("^%a[%w+.-]*:") then
        return pandoc.Code(pandoc.utils.stringify(link.content))
      end
      -- (as Pandoc's Markdown reader escapes a link's address: \url{a b} is no URL)
      link.target = link.target:gsub('[%s"<>\\^`{|}]', function (c)
        return string.format("%%%02X", c:byte())
      end)
      return link
    end,
  }
  return plain and result or nil
end

-- LaTeX's display math environments, which Pandoc's reader leaves raw (its HTML
-- writers pass them to MathJax): a formula, as `$$...$$` is. texmath reads
-- `align`, `gather`, `multline`, `eqnarray`, `alignat`, `flalign` themselves; of
-- `equation` and `displaymath`, their content.
local WHOLE = {align = true, gather = true, multline = true, eqnarray = true, alignat = true, flalign = true}
local INNER = {equation = true, displaymath = true}

local function display_math(text)
  local name = text:match("^%s*\\begin%s*{(%a+)%*?}")
  if name == nil or not (WHOLE[name] or INNER[name]) then
    return nil
  end
  local inner = text:match("^%s*\\begin%s*{" .. name .. "%*?}(.*)\\end%s*{" .. name .. "%*?}%s*$")
  if inner == nil or inner:find("\\begin%s*{" .. name .. "%*?}") then  -- (not one environment)
    return nil
  end
  return pandoc.Math("DisplayMath", INNER[name] and inner or text:match("^%s*(.*%S)") or "")
end

-- A float read by Pandoc's LaTeX reader: a Figure (its id the \label's, which
-- is also an empty span in the caption) or a Div of the \label's id around a
-- Table. Given back without ids, the \label as raw TeX at the caption's end.
local FLOATS = {figure = true, ["figure*"] = true, table = true, ["table*"] = true, longtable = true}

local function labelled(caption, label)
  local inlines = pandoc.Inlines{}
  local blocks = caption.long:walk {
    Span = function (span)
      if span.attributes.label then
        label = label or span.attributes.label
        return pandoc.Inlines{}
      end
    end,
  }
  if label and label ~= "" then
    if #blocks == 0 then
      blocks = pandoc.Blocks{pandoc.Plain{}}
    end
    blocks[#blocks].content:insert(pandoc.RawInline("tex", "\\label{" .. label .. "}"))
  end
  caption.long = blocks
  return caption
end

-- A width as LaTeX gives it (`\textwidth`, `0.45\columnwidth`: Pandoc makes `0.5\textwidth`
-- 50% itself), in percent of the text's width; one that is no size (`\hsize - 2em`) left out.
local MEASURES = {textwidth = true, linewidth = true, columnwidth = true, hsize = true}

local function sized(image)
  for _, key in ipairs{"width", "height"} do
    local value = image.attributes[key]
    if value then
      local factor, measure = value:match("^%s*([%d.]*)%s*\\(%a+)%s*$")
      if measure and MEASURES[measure] and key == "width" then
        image.attributes[key] = string.format("%g%%", (tonumber(factor) or 1) * 100)
      elseif not value:match("^%s*[%d.]+%s*%a*%%?%s*$") then
        image.attributes[key] = nil
      end
    end
  end
  return image
end

-- TeX's comments taken out: from a % that no backslash escapes to the end of its
-- line (PLOS's template opens its floats with one, "% Place tables after...").
local function without_comments(text)
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do
    local from = 1
    while true do
      local at = line:find("%", from, true)
      if at == nil then
        break
      elseif at == 1 or line:sub(at - 1, at - 1) ~= "\\" then
        line = line:sub(1, at - 1)
        break
      end
      from = at + 1
    end
    lines[#lines + 1] = line
  end
  return table.concat(lines, "\n")
end

-- The \label of a paragraph that holds nothing else (a float's \label after its
-- tabular, below its \caption: Pandoc reads it as a paragraph of its own); else nil.
local function label_alone(block)
  if block.t ~= "Para" and block.t ~= "Plain" then
    return nil
  end
  local label = nil
  for _, inline in ipairs(block.content) do
    if inline.t == "Span" and inline.attributes.label and #inline.content == 0 and label == nil then
      label = inline.attributes.label
    elseif inline.t ~= "Space" and inline.t ~= "SoftBreak" then
      return nil
    end
  end
  return label
end

local function float(text)
  text = without_comments(text)
  local name = text:match("^%s*\\begin%s*{(%a+%*?)}")
  if name == nil or not FLOATS[name] then
    return nil
  end
  local read, document = read_latex(text)
  local trailing = read and #document.blocks == 2 and label_alone(document.blocks[2])
  if not read or #document.blocks ~= 1 and not trailing then
    return nil
  end
  local block, label = document.blocks[1], trailing or nil
  if block.t == "Div" and #block.content == 1 and block.content[1].t == "Table" then
    block, label = block.content[1], label or block.identifier
  end
  if block.t ~= "Figure" and block.t ~= "Table" then
    return nil
  end
  if block.t == "Figure" then
    label = block.identifier
  end
  block.caption = labelled(block.caption, label)
  block.attr = pandoc.Attr()
  return block:walk(CITED):walk(REFERENCES):walk{Image = sized}
end



-- Raw TeX that reads as text: its inlines, else nil.
local function inline_text(raw_text)
  local command = raw_text:match("^%s*\\(%a+)")
  if command == nil or KEEP[command] then
    return nil
  end
  if command:lower():match("cite") and not CITES[command] then
    return nil  -- (\citeauthor, \citeyear, \textcites{a}{b}: more than a citation's text; Python says so)
  end
  if ("x" .. raw_text):find("[^\\]%%") then
    return nil  -- (% starts a comment in LaTeX: Pandoc's reader has read on past it; Python says so)
  end
  local read, document = read_latex(raw_text, true)
  if not read or #document.blocks ~= 1 or (document.blocks[1].t ~= "Para" and document.blocks[1].t ~= "Plain") then
    return nil
  end
  local inlines = document.blocks[1].content
  if #inlines == 0 then
    return nil
  end
  local text = as_text(inlines)
  if text and raw_text:match("%s$") then  -- ("\LaTeX for": Pandoc keeps the space in the raw TeX)
    text:insert(pandoc.Space())
  end
  return text
end

-- Spacing in a sentence (`hi\hspace{1em}there`, `a\quad b`, `5\thinspace km`): a
-- space, a narrow one that does not break for LaTeX's thin space (left out, it
-- glued the words on each side into one). (`\,` is Markdown's escaped comma.)
local SPACES = {hspace = " ", quad = " ", qquad = " ", enspace = " ", enskip = " ", space = " ",
                thinspace = "\u{202F}"}

local function spacing(text)
  local command, rest = text:match("^%s*\\(%a+)%*?(.-)%s*$")
  local space = command and SPACES[command]
  if not space or not (rest == "" or command == "hspace" and rest:match("^%s*%b{}$")) then
    return nil
  end
  return space == " " and pandoc.Space() or pandoc.Str(space)
end

function RawInline(raw)
  if raw.format ~= "tex" and raw.format ~= "latex" then
    return nil
  end
  local math = display_math(raw.text)
  if math then
    return math
  end
  if not raw.text:find("[\\{}$%%&#^_~]") and raw.text:find("%S") then
    return pandoc.Inlines(raw.text)  -- (what a macro of the text expanded to: \ifstrequal{a}{a}{TRUE}{FALSE})
  end
  return spacing(raw.text) or inline_text(raw.text)
end

-- A page break as LaTeX writes it, alone (Quarto's {{< pagebreak >}} writes
-- \newpage for LaTeX; a template's ```{=tex} block \clearpage): print breaks the
-- page there (html.py), as LaTeX does; the e-reader edition has no pages.
local BREAKS = {newpage = true, clearpage = true, pagebreak = true, cleardoublepage = true}

-- Copernicus' sections of their own name: `\introduction[Title]`, `\conclusions`.
local SECTIONS = {introduction = "Introduction", conclusions = "Conclusions"}

-- Environments that only lay out what is in them (MDPI wraps a wide equation in
-- adjustwidth): their content is read as if they were not there; each one's
-- arguments, {...} after its name.
local WRAPPERS = {adjustwidth = 2, center = 0, flushleft = 0, flushright = 0, landscape = 0, small = 0,
                  footnotesize = 0, scriptsize = 0, minipage = 1}

-- The commands a layout environment's text may hold and still be read here: those
-- Pandoc's LaTeX reader makes into the text they print (any other, \today, \ref, an
-- unknown one, would be dropped with its words, or print what a build cannot
-- promise: the environment is then left out, and told).
local TEXT_COMMANDS = {
  textit = true, textbf = true, emph = true, textsc = true, texttt = true, underline = true, textup = true,
  textsubscript = true, textsuperscript = true, textnormal = true, url = true, href = true, LaTeX = true,
  TeX = true, ldots = true, dots = true, newline = true, linebreak = true, par = true, noindent = true,
  pkg = true, CRANpkg = true, BIOpkg = true, proglang = true, code = true, samp = true, file = true, fct = true,
  dfn = true, chem = true, unit = true, small = true, footnotesize = true, large = true, centering = true,
}

-- LaTeX's paragraphs of text (what a layout environment holds), or nil.
local function paragraphs(text)
  if ("x" .. text):find("[^\\]%%") then
    return nil
  end
  for name in text:gmatch("\\(%a+)") do
    if not TEXT_COMMANDS[name] then
      return nil
    end
  end
  local read, document = read_latex(text)
  if not read or #document.blocks == 0 then
    return nil
  end
  for _, each in ipairs(document.blocks) do
    if (each.t ~= "Para" and each.t ~= "Plain") or not as_text(each.content) then
      return nil
    end
    each.content = as_text(each.content)
  end
  return document.blocks
end

local block

local function page_break()
  return pandoc.Para{pandoc.Span({}, {class = "imprint-pagebreak"})}
end

-- Lines of TeX of which some are a page break alone (`\pagebreak`, then
-- `\appendix` on the next line): the breaks made, the other lines read as a
-- block of their own (else left raw: told); nil if no line is a break.
local function is_break(line)
  local command = line:match("^%s*\\(%a+)%s*$")
  return command ~= nil and BREAKS[command] == true
end

local function breaks_apart(text)
  local lines, found = {}, false
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    found = found or is_break(line)
    table.insert(lines, line)
  end
  if not found then
    return nil
  end
  local blocks, run = pandoc.Blocks{}, {}
  local function flush()
    if #run > 0 then
      local chunk = table.concat(run, "\n")
      blocks:insert(block(chunk) or pandoc.RawBlock("tex", chunk))
      run = {}
    end
  end
  for _, line in ipairs(lines) do
    if is_break(line) then
      flush()
      blocks:insert(page_break())
    elseif line:match("%S") then
      table.insert(run, line)
    end
  end
  flush()
  return blocks
end

block = function(text)
  local math = display_math(text)
  if math then
    return pandoc.Para{math}
  end
  local command, rest = text:match("^%s*\\(%a+)%s*(.*)$")
  rest = rest and (rest:match("^(.*%S)") or "")
  if command and BREAKS[command] and rest == "" then
    return page_break()
  end
  if text:find("\n") and not text:find("\\begin") then
    local apart = breaks_apart(text)
    if apart then
      return apart
    end
  end
  local title = command and SECTIONS[command] and (rest == "" and SECTIONS[command] or rest:match("^%[([^%]]*)%]$"))
  if title then  -- (another form, `\introduction{Intro}`, stays raw: told)
    local read, document = read_latex(title)
    local inlines = read and as_text(pandoc.utils.blocks_to_inlines(document.blocks))
    if inlines and #inlines > 0 then
      return pandoc.Header(1, inlines, {id = command})
    end
  end
  local name = text:match("^%s*\\begin%s*{(%a+)}")
  if name and WRAPPERS[name] then
    local inner = text:match("^%s*\\begin%s*{" .. name .. "}" .. string.rep("%s*%b{}", WRAPPERS[name])
                             .. "(.*)\\end%s*{" .. name .. "}%s*$")
    if inner and not inner:find("\\begin%s*{" .. name .. "}") then
      return block(inner) or paragraphs(inner)
    end
  end
  if without_comments(text):match("^%s*\\begin") then
    return float(text)
  end
  local inlines = inline_text(text)  -- (a line that is one command: `* \proglang{Java}`; a paragraph of its own)
  return inlines and pandoc.Para(inlines) or nil
end

function RawBlock(raw)
  if raw.format == "tex" or raw.format == "latex" then
    return block(raw.text)
  end
end

-- A list item that was one command (`* \proglang{Java}`), read as a paragraph: as
-- tight as the items around it (Pandoc makes every item of a tight list Plain).
local function as_tight(list)
  for _, item in ipairs(list.content) do
    if item[1] and item[1].t == "Plain" then
      for _, each in ipairs(list.content) do
        if #each == 1 and each[1].t == "Para" then
          each[1] = pandoc.Plain(each[1].content)
        end
      end
      return list
    end
  end
end

BulletList = as_tight
OrderedList = as_tight
