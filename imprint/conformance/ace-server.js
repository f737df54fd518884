// DAISY Ace kept running for many books (`publish.py check`: imprint/conformance/validators.py).
//
// Ace's command line (ace-cli 1.4.6) checks one book a run: Node loads Ace (about
// 0.5 s), Ace starts Chromium, checks the book's pages in it and closes it. This
// calls the function the command line calls (@daisy/ace-core's ace(), with the
// options ace-cli gives it: --silent, --outdir) for one book after the other in
// one Node process, and keeps the one Chromium open between books (Ace opens a
// new page for each document and closes it after). A book that fails is tried
// once more in a fresh Chromium, which is what the command line would have had.
//
//   usage:    node ace-server.js ACE_FOLDER    (where ace-cli is installed: .tools/ace)
//   request:  a line of JSON on stdin, {"epub": BOOK, "outdir": REPORT_FOLDER, "tmp": FOLDER}
//   answer:   a line of JSON on stdout, {"ok": true} (the report is REPORT_FOLDER/report.json)
//             or {"error": "why Ace did not run"}
//
// Ace unzips each book into a temporary folder it removes only as the process
// ends: here into the request's FOLDER, which the caller removes. Whatever Ace or
// its libraries print goes to stderr. The process ends at the end of stdin,
// closing Chromium first, and at once with SIGTERM (sent when the process that
// started it ends: setpriv --pdeathsig), Chromium killed with it.

'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { createRequire } = require('module');

const answer = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);  // (Ace's console.log: not an answer)

const folder = process.argv[2];
const cli = createRequire(path.join(folder, 'node_modules', '@daisy', 'ace-cli', 'lib', 'index.js'));
const shared = createRequire(cli.resolve('@daisy/ace-cli-shared'));  // (not loaded: it reads process.argv)
const runner = cli('@daisy/ace-axe-runner-puppeteer');
const ace = shared('@daisy/ace-core');
shared('@daisy/ace-logger').initLogger({ verbose: false, silent: true, fileName: 'ace-cli.log' });

const home = process.env.TMPDIR;  // Chromium's profile, for as long as it runs
let open = false;

// The runner Ace is given: Chromium launched for the first book, kept for the next.
const kept = Object.assign(Object.create(runner), {
  launch: async () => {
    if (open) return;
    const book = process.env.TMPDIR;
    process.env.TMPDIR = home;
    try {
      await runner.launch();
      open = true;
    } finally {
      process.env.TMPDIR = book;
    }
  },
  close: async () => {},
});

async function shut() {
  if (!open) return;
  open = false;
  try {
    await runner.close();
  } catch (_error) {
    // (gone already)
  }
}

async function check(request) {
  fs.mkdirSync(request.tmp, { recursive: true });
  process.env.TMPDIR = request.tmp;
  const options = { cwd: process.cwd(), outdir: request.outdir, jobId: '', silent: true, verbose: false };
  try {
    await ace(request.epub, { ...options }, kept);
  } catch (_first) {
    await shut();
    await ace(request.epub, { ...options }, kept);
  } finally {
    process.env.TMPDIR = home;
  }
}

async function serve() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    let reply;
    try {
      await check(JSON.parse(line));
      reply = { ok: true };
    } catch (error) {
      const why = error && error.message ? error.message : String(error || '');
      reply = { error: why || 'Ace stopped without saying why (it could not read the book?)' };
    }
    answer(JSON.stringify(reply) + '\n');
  }
  await shut();
  process.exit(0);
}

// (Puppeteer kills Chromium's process group as Node exits: process.exit included, SIGKILL not.)
process.on('SIGTERM', () => process.exit(143));

serve();
