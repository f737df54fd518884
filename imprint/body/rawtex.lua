-- The Lua of the reading of an article's text and of its Markdown fields: raw
-- TeX in a sentence (`\texttt{stella}`, `\textit{TESS}`, `\textsc{SciPol}`,
-- `\url{...}`), read by Pandoc's LaTeX reader into the formatting it stands for,
-- where that is text both editions print as it is: emphasis, bold, small caps,
-- code, sub- and superscript, a link. Pandoc's own HTML writers drop such TeX;
-- written by authors who had LaTeX in mind (JOSS papers), it is their text.
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

local TEXT = {
  Str = true, Space = true, SoftBreak = true, Emph = true, Strong = true, SmallCaps = true,
  Underline = true, Strikeout = true, Superscript = true, Subscript = true, Code = true, Link = true,
  Quoted = true,
}

local function as_text(inlines)
  local plain = true
  local result = inlines:walk {
    Inline = function (inline)
      if not TEXT[inline.t] then
        plain = false
      end
    end,
    Link = function (link)
      -- (\url{example.org/x} has no scheme: LaTeX prints it, in type, and so does Imprint)
      if not link.target:match("^%a[%w+.-]*:") then
        return pandoc.Code(pandoc.utils.stringify(link.content))
      end
    end,
  }
  return plain and result or nil
end

function RawInline(raw)
  if raw.format ~= "tex" and raw.format ~= "latex" then
    return nil
  end
  local command = raw.text:match("^%s*\\(%a+)")
  if command == nil or KEEP[command] then
    return nil
  end
  local read, document = pcall(pandoc.read, raw.text, "latex")
  if not read or #document.blocks ~= 1 or (document.blocks[1].t ~= "Para" and document.blocks[1].t ~= "Plain") then
    return nil
  end
  local inlines = document.blocks[1].content
  if #inlines == 0 then
    return nil
  end
  return as_text(inlines)
end
