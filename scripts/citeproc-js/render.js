#!/usr/bin/env node
'use strict';
// Renders one citation job with citeproc-js (npm `citeproc` 2.4.63).
//
//   node render.js < job.json > result.json
//
// The job (written by Imprint when IMPRINT_CITEPROC_DUMP is set, or by hand):
//   {"style": "<path to a .csl file>", "lang": "ru-RU",
//    "records": [CSL-JSON items; fields named "imprint-*" are ignored],
//    "nocite": ["key", ...],        // in the bibliography without a citation; ["*"]: every record
//    "citations": [{"in_note": false, "citations": [Pandoc Citation objects]}, ...]}
// The result:
//   {"bibliography": [plain text, ...], "bibliography_html": [...],   // the engine's order
//    "bibliography_ids": [the record id of each entry],
//    "citations": [plain text, one per cluster, in the job's order], "citations_html": [...]}
//
// Each Pandoc citation group is put to citeproc-js as Pandoc 3.9 puts it to its
// own citeproc (Text.Pandoc.Citeproc.fromPandocCitations), so that both engines
// answer the same question; README.md says how, and where they cannot.

const fs = require('fs');
const path = require('path');
const CSL = require('citeproc');
const { toAffix } = require('./inlines');
const { parseLocator, buildLocatorMap } = require('./locator');

const LOCALES = path.join(__dirname, 'locales');

class JobError extends Error {}

function readJob(text) {
  let job;
  try {
    job = JSON.parse(text);
  } catch (error) {
    throw new JobError(`the job is not JSON: ${error.message}`);
  }
  for (const [key, kind] of [['style', 'string'], ['lang', 'string'], ['records', 'array'],
    ['nocite', 'array'], ['citations', 'array']]) {
    const ok = kind === 'array' ? Array.isArray(job[key]) : typeof job[key] === kind;
    if (!ok) throw new JobError(`the job's "${key}" must be a${kind === 'array' ? 'n array' : ' string'}`);
  }
  return job;
}

function cleanRecord(record) {
  const out = {};
  for (const [key, value] of Object.entries(record)) {
    if (!key.startsWith('imprint-')) out[key] = value;
  }
  out.id = String(record.id);
  return out;
}

function makeSys(records) {
  const byId = new Map(records.map((r) => [String(r.id), cleanRecord(r)]));
  return {
    byId,
    retrieveItem(id) {
      // citeproc-js annotates the objects it is given: hand it copies.
      return JSON.parse(JSON.stringify(byId.get(String(id))));
    },
    retrieveLocale(lang) {
      const file = path.join(LOCALES, `locales-${lang}.xml`);
      if (!fs.existsSync(file)) {
        const have = fs.readdirSync(LOCALES).filter((f) => f.endsWith('.xml')).join(', ');
        throw new JobError(`no CSL locale file for '${lang}' in ${LOCALES} (have: ${have}); ` +
          'add it from the CSL locales repository (README.md)');
      }
      return fs.readFileSync(file, 'utf8');
    },
  };
}

// Plain text: tags removed, entities decoded, runs of ASCII white space made
// one space, trimmed. No-break spaces are kept: they are part of the rendering.
function plainText(html) {
  const text = html.replace(/<[^>]*>/g, '').replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e) => {
    if (e[0] === '#') {
      const hex = e[1] === 'x' || e[1] === 'X';
      return String.fromCodePoint(parseInt(e.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }[e] ?? m;
  });
  return text.replace(/[ \t\n\r\f\v]+/g, ' ').trim();
}

// One Pandoc Citation -> one citeproc-js cite item.
function citeItem(citation, locatorMap, sys) {
  const id = String(citation.citationId);
  if (!sys.byId.has(id)) throw new JobError(`the citation of '${id}' has no record in the job`);
  const item = { id };
  const { locator, suffix } = parseLocator(citation.citationSuffix || [], locatorMap);
  if (locator) {
    // Pandoc hands citeproc the label it found, even "" for "{...}" without one;
    // citeproc-js reads a missing label as "page", as CSL says.
    if (locator.label) item.label = locator.label;
    item.locator = locator.locator;
  }
  const prefix = citation.citationPrefix || [];
  // Pandoc appends a space to a non-empty prefix (B.fromList ils <> B.space);
  // citeproc-js adds one itself after letters and stops, never doubling it.
  if (prefix.length) item.prefix = `${toAffix(prefix)} `;
  if (suffix.length) item.suffix = toAffix(suffix);
  return { item, mode: citation.citationMode && citation.citationMode.t };
}

function render(job) {
  const sys = makeSys(job.records);
  let style;
  try {
    style = fs.readFileSync(job.style, 'utf8');
  } catch (error) {
    throw new JobError(`cannot read the style ${job.style}: ${error.message}`);
  }
  // forceLang: the article's language wins over the style's default-locale, as
  // in Pandoc (Citeproc.Style.mergeLocales prefers the document's lang). It also
  // decides collation: citeproc-js sorts with localeCompare in this language.
  // A Node.js built with small ICU has no collation but English: it would sort a
  // Russian bibliography as the root order does (Latin first), silently.
  if (Intl.Collator.supportedLocalesOf([job.lang]).length === 0) {
    throw new JobError(`this Node.js has no collation for '${job.lang}' (a small-ICU build?)`);
  }
  const engine = new CSL.Engine(sys, style, job.lang, true);
  const noteStyle = engine.opt.xclass === 'note';
  const locatorMap = buildLocatorMap(engine.locale[engine.opt.lang].terms);

  const done = [];            // [citationID, noteIndex] of the clusters processed so far
  const html = new Map();     // citationID -> the engine's latest rendering
  const authorHtml = new Map(); // citationID -> author-only rendering (narrative citations)
  job.citations.forEach((cluster, index) => {
    const citationID = `imprint-${index}`;
    const cites = cluster.citations.filter((c) => c.citationId !== '*').map((c) => citeItem(c, locatorMap, sys));
    const noteNum = cluster.citations.length ? Number(cluster.citations[0].citationNoteNum) || 0 : 0;
    // A note style turns a citation of the text into a footnote numbered as Pandoc
    // numbers it (citationNoteNum); in an in-text style only a citation inside an
    // author's footnote is in a note.
    const noteIndex = noteStyle || cluster.in_note ? noteNum : 0;
    const properties = { noteIndex };
    cites.forEach(({ item, mode }, position) => {
      if (mode === 'SuppressAuthor') item['suppress-author'] = true;
      if (mode === 'AuthorInText' && position > 0) {
        throw new JobError(`cluster ${index}: a narrative citation (@${item.id}) can only come first in its group`);
      }
    });
    const narrative = cites.length > 0 && cites[0].mode === 'AuthorInText';
    const items = cites.map((c) => c.item);
    if (narrative) {
      // Pandoc splits "@key [p. 3]" into an author-only item, which carries the
      // prefix, and a suppress-author item, which carries the locator and suffix;
      // it prints the first, a space, then the second (Citeproc.Eval,
      // handleAuthorOnly). citeproc-js's "composite" mode would render one item
      // twice, the suffix in both halves: the halves are made apart instead, the
      // author from a preview that leaves the engine's state as it was, the rest
      // as the registered cluster, so positions and disambiguation count it once.
      const authorItem = { id: items[0].id };
      if (items[0].prefix) authorItem.prefix = items[0].prefix;
      const authorOnly = { citationItems: [authorItem], properties: { noteIndex, mode: 'author-only' } };
      authorHtml.set(citationID, engine.previewCitationCluster(authorOnly, done, [], 'html'));
      delete items[0].prefix;
      items[0]['suppress-author'] = true;
    }
    const citation = { citationID, citationItems: items, properties };
    // The updates re-render earlier clusters too (disambiguation, ibid): keep the last.
    // A cite that renders nothing is left as citeproc-js prints it ("[NO_PRINTED_FORM]").
    const [, updates] = engine.processCitationCluster(citation, done, []);
    for (const [, text, id] of updates) html.set(id, text);
    done.push([citationID, noteIndex]);
  });

  const ids = [...sys.byId.keys()];
  const nocite = job.nocite.includes('*') ? ids : job.nocite.map(String);
  for (const id of nocite) {
    if (!sys.byId.has(id)) throw new JobError(`nocite names '${id}', which has no record in the job`);
  }
  if (nocite.length) engine.updateUncitedItems(nocite);

  const citationsHtml = done.map(([id]) => {
    const text = html.get(id) ?? '';
    if (!authorHtml.has(id)) return text;
    const author = authorHtml.get(id);
    if (!plainText(text)) return author;
    // A note style keeps the author in the text and the rest in the footnote.
    return noteStyle ? `${author} <span class="csl-note">${text}</span>` : `${author} ${text}`;
  });
  const bib = engine.makeBibliography();
  const bibliographyHtml = bib ? bib[1].map((entry) => entry.trim()) : [];
  return {
    bibliography: bibliographyHtml.map(plainText),
    bibliography_html: bibliographyHtml,
    bibliography_ids: bib ? bib[0].entry_ids.map((ids) => String(ids[0])) : [],
    citations: citationsHtml.map(plainText),
    citations_html: citationsHtml,
  };
}

function main() {
  let job;
  try {
    job = readJob(fs.readFileSync(0, 'utf8'));
    process.stdout.write(`${JSON.stringify(render(job), null, 1)}\n`);
  } catch (error) {
    if (error instanceof JobError) {
      process.stderr.write(`render.js: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

if (require.main === module) main();

module.exports = { render, plainText };
