'use strict';
// The locator at the start of a Pandoc citation's suffix, found as Pandoc finds it.
//
// A port of Text.Pandoc.Citeproc.Locator (pandoc 3.9, src/Text/Pandoc/Citeproc/
// Locator.hs): so that citeproc-js is asked the question Pandoc's citeproc is
// asked, "[@key, p. 12]" must give it the same label ("page"), locator ("12")
// and remaining suffix as Pandoc gives its own engine. Pandoc's parser is a
// Parsec grammar over the suffix's inlines; every alternative in it either is
// wrapped in `try` or cannot fail after consuming input, so an ordered-choice
// (PEG) reading with full backtracking gives the same results. Each function
// below names the Haskell definition it ports.
//
// Labels are the terms of the article's locale (the style's own <locale>
// blocks merged over the locale file, as Citeproc.Style.mergeLocales does),
// every form and number of each of Pandoc's `locatorTerms`, compared
// case-insensitively; a bare number is a page.

const { stringify } = require('./inlines');

// Text.Pandoc.Citeproc.Locator.locatorTerms, in Pandoc's order: where two
// terms share a text (ru-RU "с." is both page and number-of-pages), the
// earlier term wins (toLocatorMap folds from the right).
const LOCATOR_TERMS = [
  'book', 'chapter', 'column', 'figure', 'folio', 'issue', 'line', 'note', 'opus', 'page',
  'number-of-pages', 'paragraph', 'part', 'section', 'sub-verbo', 'verse', 'volume',
];

// Data.Char predicates of GHC (Unicode general categories).
const isSpaceChar = (c) => /^[\t\n\v\f\r]$|^\p{Zs}$/u.test(c);
const isPunctuation = (c) => /^\p{P}$/u.test(c);
const isDigit = (c) => c >= '0' && c <= '9';
const hasDigit = (s) => /[0-9]/.test(s);
// Data.Text.toCaseFold and Data.Text.strip.
const caseFold = (s) => s.toLowerCase();
const strip = (s) => s.replace(/^[\t\n\v\f\r\p{Zs}]+|[\t\n\v\f\r\p{Zs}]+$/gu, '');

// toLocatorMap: every text of every locator term -> the term's name.
function buildLocatorMap(terms) {
  const map = new Map();
  for (const name of [...LOCATOR_TERMS].reverse()) {
    const forms = terms[name];
    if (!forms) continue;
    for (const form of Object.values(forms)) {
      for (const text of Array.isArray(form) ? form : [form]) {
        if (typeof text === 'string' && text) map.set(caseFold(text), name);
      }
    }
  }
  return map;
}

// splitInp: every space and every punctuation character but ':' its own Str.
function splitInput(inlines) {
  const split = (c) => isSpaceChar(c) || (isPunctuation(c) && c !== ':');
  const out = [];
  for (const inline of inlines) {
    if (inline.t !== 'Str') {
      out.push(inline);
      continue;
    }
    let run = '';
    for (const c of Array.from(inline.c)) {
      if (split(c)) {
        if (run) out.push({ t: 'Str', c: run });
        out.push({ t: 'Str', c });
        run = '';
      } else {
        run += c;
      }
    }
    if (run) out.push({ t: 'Str', c: run });
  }
  return out;
}

// maybeAddComma
function maybeAddComma(inlines) {
  if (inlines.length === 0) return inlines;
  const first = inlines[0];
  if (first.t === 'Space') return inlines;
  if (first.t === 'Str' && first.c && isPunctuation(Array.from(first.c)[0])) return inlines;
  return [{ t: 'Str', c: ',' }, { t: 'Space' }, ...inlines];
}

// cslJsonify: locator text keeping its formatting in CSL-JSON's markup.
function cslJsonify(inline) {
  const many = (xs) => xs.map(cslJsonify).join('');
  switch (inline.t) {
    case 'Str': return inline.c;
    case 'Space': case 'SoftBreak': case 'LineBreak': return ' ';
    case 'Emph': return `<i>${many(inline.c)}</i>`;
    case 'Underline': return `<u>${many(inline.c)}</u>`;
    case 'Strong': return `<b>${many(inline.c)}</b>`;
    case 'Strikeout': return many(inline.c);
    case 'Superscript': return `<sup>${many(inline.c)}</sup>`;
    case 'Subscript': return `<sub>${many(inline.c)}</sub>`;
    case 'SmallCaps': return `<span style="font-variant:small-caps;">${many(inline.c)}</span>`;
    case 'Quoted': {
      const q = inline.c[0].t === 'SingleQuote' ? "'" : '"';
      return q + many(inline.c[1]) + q;
    }
    case 'Cite': return many(inline.c[1]);
    case 'Code': case 'Math': return inline.c[1];
    case 'RawInline': case 'Note': return '';
    case 'Link': case 'Image': return many(inline.c[1]);
    case 'Span': {
      const [, classes, attrs] = inline.c[0];
      if (classes.length) return `<span class="${classes.join(' ')}">${many(inline.c[1])}</span>`;
      if (attrs.length === 1 && attrs[0][0] === 'style' && attrs[0][1] === 'baseline') {
        return `<span style="baseline">${many(inline.c[1])}</span>`;
      }
      return many(inline.c[1]);
    }
    default: return '';
  }
}

// Data.Text's romanNumeral True followed by eof, on an upper-cased token.
function isRomanNumeral(s) {
  if (!s || !'IVXLCDM'.includes(s[0])) return false;
  let i = 0;
  let total = 0;
  const pair = (a, b, value) => {
    if (s[i] === a && s[i + 1] === b) { total += value; i += 2; }
  };
  const one = (a, value) => { if (s[i] === a) { total += value; i += 1; } };
  const many = (a, value) => { while (s[i] === a) { total += value; i += 1; } };
  many('M', 1000); pair('C', 'M', 900); one('D', 500); pair('C', 'D', 400); many('C', 100);
  pair('X', 'C', 90); one('L', 50); pair('X', 'L', 40); many('X', 10);
  pair('I', 'X', 9); one('V', 5); pair('I', 'V', 4); many('I', 1);
  return total > 0 && i === s.length;
}

class LocatorParser {
  constructor(tokens, locatorMap) {
    this.toks = tokens;
    this.map = locatorMap;
  }

  tok(p) { return p < this.toks.length ? this.toks[p] : null; }

  // pMatchChar: a Str of exactly one character satisfying `pred`.
  isChar(p, pred) {
    const t = this.tok(p);
    if (!t || t.t !== 'Str') return false;
    const cs = Array.from(t.c);
    return cs.length === 1 && pred(cs[0]);
  }

  // pSpace
  isSpace(p) {
    const t = this.tok(p);
    return !!t && (t.t === 'Space' || t.t === 'SoftBreak' || (t.t === 'Str' && t.c === '\u00a0'));
  }

  // pLocatorPunct: punctuation but '-', '–' (page ranges) and ':'.
  isLocatorPunct(p) {
    return this.isChar(p, (c) => c !== '-' && c !== '\u2013' && c !== ':' && isPunctuation(c));
  }

  // pLocatorWords: returns [info or null, remaining inlines] or null (no parse).
  locatorWords() {
    let p = 0;
    if (this.isChar(p, (c) => c === ',')) p += 1;
    if (this.isSpace(p)) p += 1;
    const r = this.delimited(p) || this.integrated(p);
    if (!r) return null;
    const rest = this.toks.slice(r.pos);
    if (r.info.label === '' && r.info.locator === '') return [null, maybeAddComma(rest)];
    return [r.info, rest];
  }

  // pLocatorDelimited: "{label locator}", braces balanced.
  delimited(pos) {
    if (!this.isChar(pos, (c) => c === '{')) return null;
    let p = pos + 1;
    while (this.isSpace(p)) p += 1;
    const label = this.labelDelimited(p);
    p = label.pos;
    const inner = (q) => (this.tok(q) ? { pos: q + 1, val: [true, cslJsonify(this.tok(q))] } : null);
    const parts = [];
    for (;;) {
      const g = this.balancedBraces([['{', '}'], ['[', ']']], inner, p);
      if (!g) break;
      parts.push(g.val[1]);
      p = g.pos;
    }
    if (!this.isChar(p, (c) => c === '}')) return null;
    const locator = parts.join('');
    return { pos: p + 1, info: { label: label.val[1], locator, raw: `${label.val[0]}{${locator}}` } };
  }

  // pLocatorLabelDelimited
  labelDelimited(p) {
    const anyToken = (q) => q < this.toks.length;
    const found = this.labelGo('', p, anyToken);
    if (found) return found;
    if (this.isChar(p, isDigit)) return { pos: p, val: ['', 'page', true] };
    return { pos: p, val: ['', '', true] };
  }

  // pLocatorIntegrated
  integrated(pos) {
    const label = this.labelIntegrated(pos);
    if (!label) return null;
    const [rawLabel, name, wasImplicit] = label.val;
    const accept = (w) => (wasImplicit ? hasDigit(w[1]) : w[0]);  // requireDigits / requireRomansOrDigits
    const first = this.wordIntegrated(!wasImplicit, label.pos);
    if (!first || !accept(first.val)) return null;
    const words = [first.val[1]];
    let p = first.pos;
    for (;;) {
      const w = this.wordIntegrated(false, p);
      if (!w || !accept(w.val)) break;
      words.push(w.val[1]);
      p = w.pos;
    }
    const locator = words.join('');
    return { pos: p, info: { label: name, locator, raw: rawLabel + locator } };
  }

  // pLocatorLabelIntegrated
  labelIntegrated(p) {
    const lim = (q) => { const w = this.wordIntegrated(true, q); return !!w && w.val[0]; };
    const found = this.labelGo('', p, lim);
    if (found) return found;
    const w = this.wordIntegrated(true, p);
    if (w && hasDigit(w.val[1])) return { pos: p, val: ['', 'page', true] };
    return null;
  }

  // pLocatorLabel': grow the label a token at a time, up to where `lim`
  // matches, and keep the longest text that is a term.
  labelGo(acc, pos, lim) {
    if (pos >= this.toks.length) return null;
    let p = pos + 1;
    while (!lim(p)) {
      if (p >= this.toks.length) return null;
      p += 1;
    }
    const s = acc + stringify(this.toks.slice(pos, p));
    const name = this.map.get(caseFold(strip(s)));
    if (name !== undefined) {
      return this.labelGo(s, p, lim) || { pos: p, val: [s, name, false] };
    }
    return this.labelGo(s, p, lim);
  }

  // pLocatorWordIntegrated: [anyDigitLike, text]
  wordIntegrated(isFirst, pos) {
    let p = pos;
    let punct = '';
    if (!isFirst && this.isChar(p, (c) => c === ',' || c === ';')) {
      punct = this.tok(p).c;
      p += 1;
    }
    let sp = '';
    if (this.isSpace(p)) { sp = ' '; p += 1; }
    const r = this.balancedBraces([['(', ')'], ['[', ']'], ['{', '}']], (q) => this.pageSeq(q), p);
    if (!r) return null;
    return { pos: r.pos, val: [r.val[0], punct + sp + r.val[1]] };
  }

  // pBalancedBraces: one or more of `inner`, or `inner` inside one pair of braces.
  balancedBraces(braces, inner, pos) {
    const all = braces.flat();
    const except = (q) => (this.isChar(q, (c) => all.includes(c)) ? null : inner(q));
    const sur = (open, close, q) => {
      if (!this.isChar(q, (c) => c === open)) return null;
      let r = q + 1;
      let mid = [false, ''];
      const m = except(r);
      if (m) { mid = m.val; r = m.pos; }
      if (!this.isChar(r, (c) => c === close)) return null;
      return { pos: r + 1, val: [mid[0], open + mid[1] + close] };
    };
    // foldl' over the pairs: the last pair is tried first, plain `inner` last.
    const surround = (q) => {
      for (const [open, close] of [...braces].reverse()) {
        const r = sur(open, close, q);
        if (r) return r;
      }
      return except(q);
    };
    const parts = [];
    let p = pos;
    for (;;) {
      const r = surround(p);
      if (!r) break;
      parts.push(r.val);
      p = r.pos;
    }
    if (parts.length === 0) return null;
    return { pos: p, val: [parts.some((x) => x[0]), parts.map((x) => x[1]).join('')] };
  }

  // pPageSeq: 1, 1.2, 1.2.3 (a trailing full stop is left alone).
  pageSeq(pos) {
    const withPeriod = (q) => {
      if (!this.isChar(q, (c) => c === '.')) return null;
      const u = this.pageUnit(q + 1);
      return u ? { pos: u.pos, val: [u.val[0], `.${u.val[1]}`] } : null;
    };
    const u = this.pageUnit(pos);
    if (!u) return withPeriod(pos);
    const parts = [u.val];
    let p = u.pos;
    for (;;) {
      const w = withPeriod(p);
      if (!w) break;
      parts.push(w.val);
      p = w.pos;
    }
    return { pos: p, val: [parts.some((x) => x[0]), parts.map((x) => x[1]).join('')] };
  }

  // pPageUnit: a roman numeral token, else a run of tokens that are not
  // spaces, locator punctuation or math.
  pageUnit(pos) {
    const t = this.tok(pos);
    if (t && t.t === 'Str' && isRomanNumeral(t.c.toUpperCase())) return { pos: pos + 1, val: [true, t.c] };
    let p = pos;
    while (this.tok(p) && !this.isSpace(p) && !this.isLocatorPunct(p) && this.tok(p).t !== 'Math') p += 1;
    if (p === pos) return null;
    const s = stringify(this.toks.slice(pos, p));
    return { pos: p, val: [hasDigit(s), s] };
  }
}

// parseLocator: {label, locator} or null, and the suffix left after it.
function parseLocator(suffix, locatorMap) {
  const parser = new LocatorParser(splitInput(suffix), locatorMap);
  const result = parser.locatorWords();
  if (!result) return { locator: null, suffix: maybeAddComma(suffix) };
  const [info, rest] = result;
  return { locator: info, suffix: rest };
}

module.exports = { parseLocator, buildLocatorMap, isRomanNumeral, LOCATOR_TERMS };
