#!/usr/bin/env node
// Checks web pages with axe-core in headless Chromium, at a phone and a desktop width.
//
//   node tests/axe-check.js CHROMIUM PAGE.html...
//
// Prints one JSON object: {"axe": version, "chromium": version, "results": [...]}, with
// one result per page and viewport: axe's violations (WCAG 2.1 A/AA and best practice),
// its "needs review" items, the width the page is laid out at (layoutWidth) and the
// width of its content (scrollWidth, wider when it overflows horizontally), and what
// the page failed to load or threw. tests/sitecheck.py turns it into readable lines.
//
// Pages are opened from file://. puppeteer-core comes from DAISY Ace's node_modules
// (.tools/ace), axe-core from the site validators' (.tools/vnu): scripts/setup.sh test
// installs both, pinned by scripts/ace/ and scripts/vnu/.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

const REPO = path.resolve(__dirname, '..');
const puppeteer = require(path.join(REPO, '.tools/ace/node_modules/puppeteer-core'));
const AXE = path.join(REPO, '.tools/vnu/node_modules/axe-core/axe.min.js');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
// A phone (emulated as one: a page without <meta name="viewport"> is laid out 980px
// wide, as a phone would) and a desktop window.
const VIEWPORTS = [
  { name: '360px', width: 360, height: 640, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  { name: '1280px', width: 1280, height: 800, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
];
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // axe reads the stylesheets again for its CSS rules (css-orientation-lock): let a
  // page from file:// read files (the default is to refuse, as cross-origin).
  '--allow-file-access-from-files',
];
const TIMEOUT = 30000;

// Runs in the page: how wide the page is laid out and whether its content is wider
// still, with the outermost elements that stick out past the right edge (what to fix).
// The layout viewport's width (clientWidth) is the measure: with a phone's emulation
// Chromium zooms out to show an overflowing page whole, so innerWidth grows with it.
function measureWidth() {
  const layoutWidth = document.documentElement.clientWidth;
  const scrollWidth = document.scrollingElement.scrollWidth;
  const culprits = [];
  if (scrollWidth > layoutWidth) {
    const describe = (el) => {
      let name = el.localName;
      if (el.id) name += '#' + el.id;
      else if (el.classList.length) name += '.' + [...el.classList].join('.');
      return name;
    };
    const sticksOut = (el) => el.getBoundingClientRect().right > layoutWidth + 0.5;
    const walk = (el) => {
      for (const child of el.children) {
        if (sticksOut(child)) {
          // The outermost element that sticks out, unless it only holds ones that do.
          const kids = [...child.children];
          if (kids.length > 0 && kids.every(sticksOut)) walk(child);
          else culprits.push(`${describe(child)} (${Math.round(child.getBoundingClientRect().width)}px wide)`);
        } else if (getComputedStyle(child).overflowX === 'visible') {
          walk(child);
        }
      }
    };
    walk(document.body);
  }
  return { layoutWidth, scrollWidth, culprits: culprits.slice(0, 5) };
}

async function checkPage(page, file, viewport, axeSource) {
  const loadFailures = [];
  const pageErrors = [];
  const onFailed = (request) => {
    loadFailures.push(`${request.url()} (${request.failure() ? request.failure().errorText : 'failed'})`);
  };
  const onResponse = (response) => {
    if (response.status() >= 400) loadFailures.push(`${response.url()} (HTTP ${response.status()})`);
  };
  const onError = (error) => pageErrors.push(String(error && error.message || error));
  page.on('requestfailed', onFailed);
  page.on('response', onResponse);
  page.on('pageerror', onError);
  try {
    await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load', timeout: TIMEOUT });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    // What the page itself failed to load; axe's own requests (it re-reads the
    // stylesheets for its CSS rules) come after this and are not the page's fault.
    page.off('requestfailed', onFailed);
    page.off('response', onResponse);
    const width = await page.evaluate(measureWidth);
    await page.evaluate(axeSource);
    const axeResults = await page.evaluate(async (tags) => {
      const results = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations', 'incomplete'],
      });
      const simplify = (rule) => ({
        id: rule.id,
        impact: rule.impact,
        help: rule.help,
        nodes: rule.nodes.map((node) => ({
          target: node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
          impact: node.impact,
          summary: node.failureSummary || '',
        })),
      });
      return {
        violations: results.violations.map(simplify),
        incomplete: results.incomplete.map(simplify),
      };
    }, TAGS);
    return { file, viewport: viewport.name, viewportWidth: viewport.width, ...width, ...axeResults, loadFailures, pageErrors };
  } finally {
    page.off('requestfailed', onFailed);
    page.off('response', onResponse);
    page.off('pageerror', onError);
  }
}

async function main() {
  const [chromium, ...files] = process.argv.slice(2);
  if (!chromium || files.length === 0) {
    process.stderr.write('usage: node tests/axe-check.js CHROMIUM PAGE.html...\n');
    process.exit(2);
  }
  for (const file of files) {
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`no such page: ${file}`);
  }
  const axeSource = fs.readFileSync(AXE, 'utf8');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'imprint-axe-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: FLAGS,
      userDataDir: profile,
      timeout: TIMEOUT,
      protocolTimeout: 120000,
    });
    const version = await browser.version();
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const results = [];
    let axeVersion = null;
    for (const viewport of VIEWPORTS) {
      const { width, height, isMobile, hasTouch, deviceScaleFactor } = viewport;
      await page.setViewport({ width, height, isMobile, hasTouch, deviceScaleFactor });
      for (const file of files) {
        results.push(await checkPage(page, file, viewport, axeSource));
        axeVersion = axeVersion || await page.evaluate(() => window.axe.version);
      }
    }
    process.stdout.write(JSON.stringify({ axe: axeVersion, chromium: version, results }) + '\n');
  } finally {
    if (browser) await browser.close();
    // Chromium's helpers may still be writing to the profile as it closes: retry.
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (error) {
      process.stderr.write(`axe-check: could not remove ${profile}: ${error.message}\n`);
    }
  }
}

main().catch((error) => {
  process.stderr.write(`axe-check: ${error && error.stack || error}\n`);
  process.exit(1);
});
