'use strict';
// Pandoc inlines (JSON AST, pandoc-types 1.23) to the strings citeproc-js reads.
//
// citeproc-js takes a cite's prefix and suffix as text with a small HTML-like
// markup (<i>, <b>, <sup>, <sub>, <span style="font-variant:small-caps;">,
// <span class="nocase">): Emph, Strong, Superscript, Subscript and SmallCaps
// keep their markup, everything else is flattened to its text, as Pandoc's own
// `stringify` does (Quoted -> curly quotes, Note -> nothing, Link -> its text).

const CHILD_INLINES = {
  // constructor -> index of its inline list in `c` (null: `c` is the list)
  Emph: null, Underline: null, Strong: null, Strikeout: null, Superscript: null,
  Subscript: null, SmallCaps: null, Quoted: 1, Cite: 1, Link: 1, Image: 1, Span: 1,
};

const MARKUP = {
  Emph: ['<i>', '</i>'],
  Strong: ['<b>', '</b>'],
  Superscript: ['<sup>', '</sup>'],
  Subscript: ['<sub>', '</sub>'],
  SmallCaps: ['<span style="font-variant:small-caps;">', '</span>'],
};

function children(inline) {
  const where = CHILD_INLINES[inline.t];
  if (where === undefined) return null;
  return where === null ? inline.c : inline.c[where];
}

function quoteMarks(inline) {
  return inline.c[0].t === 'SingleQuote' ? ['\u2018', '\u2019'] : ['\u201c', '\u201d'];
}

// Text.Pandoc.Shared.stringify (pandoc 3.9): plain text, no markup.
function stringify(inlines) {
  let out = '';
  for (const inline of inlines) {
    switch (inline.t) {
      case 'Str': out += inline.c; break;
      case 'Space': case 'SoftBreak': case 'LineBreak': out += ' '; break;
      case 'Code': out += inline.c[1]; break;
      case 'Math': out += inline.c[1]; break;
      case 'RawInline':
        if (inline.c[0] === 'html' && inline.c[1].startsWith('<br')) out += ' ';
        break;
      case 'Note': break;
      case 'Quoted': {
        const [open, close] = quoteMarks(inline);
        out += open + stringify(inline.c[1]) + close;
        break;
      }
      default: {
        const kids = children(inline);
        if (kids) out += stringify(kids);
      }
    }
  }
  return out;
}

// A prefix or suffix for citeproc-js: text with citeproc-js's own markup.
function toAffix(inlines) {
  let out = '';
  for (const inline of inlines) {
    if (MARKUP[inline.t]) {
      const [open, close] = MARKUP[inline.t];
      out += open + toAffix(inline.c) + close;
    } else if (inline.t === 'Quoted') {
      const [open, close] = quoteMarks(inline);
      out += open + toAffix(inline.c[1]) + close;
    } else if (inline.t === 'Note') {
      // a footnote inside a citation's affix has no place in a citation
    } else {
      const kids = children(inline);
      out += kids ? toAffix(kids) : stringify([inline]);  // citeproc-js escapes text itself
    }
  }
  return out;
}

module.exports = { stringify, toAffix };
