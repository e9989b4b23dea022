/**
 * Every code sample in docs/**\/*.md, extracted and run, so the docs cannot rot (issue 6).
 *
 * How each kind of block is checked is in ./classify.ts; in short, shell, Node and browser
 * samples are executed against a real stack (`tessera start` on a temporary data dir, a fresh
 * partner per sample), React, Vue and Angular samples are type-checked only, and JSON, HTTP, SQL
 * and CSS blocks are parsed or checked against the schemas and the widgets' declared styling
 * surface. A block opts out only with `<!-- sample: skip REASON -->` on the line before it; the
 * skipped ones are listed at the end.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { kindOf, type Kind } from './classify.ts';
import { docSamples, type Sample } from './markdown.ts';
import { checkPage, CHROME, htmlPage, launchBrowser, scriptPage } from './run-browser.ts';
import { exerciseServer, removeNodeSamples, runNodeModule } from './run-node.ts';
import { missingTools, runShell } from './run-shell.ts';
import {
  checkCssNames,
  checkHttp,
  checkJson,
  checkMermaid,
  checkSql,
  closeScratchDatabase,
  countRules,
} from './run-static.ts';
import { startSampleSite, type SampleSite } from './site.ts';
import { freePort, ROOT, startDocStack, type DocStack } from './stack.ts';
import { substitute } from './substitute.ts';
import { typecheckSamples, typescriptOf } from './typecheck.ts';

const samples = docSamples(ROOT).map((sample) => ({ sample, kind: kindOf(sample) }));
const where = (sample: Sample) => `${sample.file}:${sample.line}`;
const noChromium = existsSync(CHROME)
  ? false
  : `no Chromium at ${CHROME}: install it (apt-get install -y --no-install-recommends chromium) or set CHROME_PATH`;

/** Rotating the signing keys makes the core API refetch them; nothing that needs it runs after. */
const rotatesKeys = (sample: Sample) => /keys rotate|\/keys\/rotate/.test(sample.code);
const needsStack: Kind[] = ['shell', 'server', 'node', 'browser'];
const needsBrowser = (kind: Kind) => kind === 'browser' || kind === 'css';

let stack: DocStack | undefined;
let site: SampleSite | undefined;
let browser: Browser | undefined;
let types: Map<Sample, string[]> | undefined;

before(async () => {
  const active = samples.filter(({ sample }) => !sample.skip);
  if (active.some(({ kind }) => needsStack.includes(kind))) {
    stack = await startDocStack();
    site = await startSampleSite(stack, await freePort());
  }
  if (!noChromium && active.some(({ kind }) => needsBrowser(kind))) browser = await launchBrowser();
  types = typecheckSamples(active.map(({ sample }) => sample));
});
after(async () => {
  await browser?.close();
  await site?.close();
  await stack?.close();
  await closeScratchDatabase();
  await removeNodeSamples();
});

const loaderOf = (sample: Sample) => (sample.lang === 'ts' ? 'ts' : 'js');

const runners: Record<Exclude<Kind, 'output'>, (sample: Sample) => Promise<void> | void> = {
  async shell(sample) {
    const fixture = await stack!.fixture();
    const code = substitute(sample.code, stack!, fixture);
    const result = await runShell(code, stack!.env(fixture));
    assert.equal(
      result.code,
      0,
      `exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  },
  async server(sample) {
    const fixture = await stack!.fixture();
    await exerciseServer(
      substitute(sample.code, stack!, fixture),
      loaderOf(sample),
      stack!,
      fixture,
    );
  },
  async node(sample) {
    const fixture = await stack!.fixture();
    await runNodeModule(
      substitute(sample.code, stack!, fixture),
      loaderOf(sample),
      stack!.env(fixture),
    );
  },
  async browser(sample) {
    const fixture = await stack!.fixture([site!.origin]);
    const code = substitute(sample.code, stack!, fixture, site!.origin);
    if (sample.lang === 'html') {
      const result = await checkPage(
        browser!,
        site!.page(htmlPage(code, stack!.coreApiUrl), fixture),
      );
      assert.ok(result.widgets.length > 0, 'an HTML sample should show a widget');
      return;
    }
    const page = await scriptPage(site!, code, loaderOf(sample), fixture);
    const result = await checkPage(browser!, page.url, { script: true });
    if (page.context.includes('render'))
      assert.ok(result.renders.length > 0, 'render() was never called with a state');
  },
  typecheck() {
    // The type check in define() is the whole check.
  },
  async css(sample) {
    checkCssNames(sample.code);
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      const parsed = await page.evaluate((css) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        return sheet.cssRules.length;
      }, sample.code);
      assert.equal(parsed, countRules(sample.code), 'Chromium dropped a rule it could not parse');
    } finally {
      await context.close();
    }
  },
  json(sample) {
    checkJson(sample.code);
  },
  http(sample) {
    checkHttp(sample.code);
  },
  async sql(sample) {
    await checkSql(sample.code);
  },
  diagram(sample) {
    checkMermaid(sample.code);
  },
};

function define(sample: Sample, kind: Kind) {
  const name = `${where(sample)} [${sample.lang}] ${kind}`;
  if (sample.skip) return it(name, { skip: sample.skip }, () => undefined);
  if (kind === 'output') return it(name, { skip: 'output, not code' }, () => undefined);
  const missing = kind === 'shell' ? missingTools(sample.code) : [];
  if (missing.length) return it(name, { skip: `needs ${missing.join(', ')}` }, () => undefined);
  if (needsBrowser(kind) && noChromium) return it(name, { skip: noChromium }, () => undefined);
  return it(name, async () => {
    const diagnostics = typescriptOf(sample) ? (types?.get(sample) ?? []) : [];
    assert.deepEqual(diagnostics, [], `${where(sample)} does not type-check`);
    await runners[kind](sample);
  });
}

/** Each sample has its own partner and data, so they run a few at a time. */
const CONCURRENCY = Number(process.env.DOC_SAMPLES_CONCURRENCY ?? 3);

describe('doc samples', { concurrency: CONCURRENCY }, () => {
  for (const { sample, kind } of samples.filter(({ sample }) => !rotatesKeys(sample)))
    define(sample, kind);
});

describe('doc samples that rotate the signing keys (after the rest: the core API must refetch keys)', () => {
  for (const { sample, kind } of samples.filter(({ sample }) => rotatesKeys(sample)))
    define(sample, kind);
});

it('lists the samples that do not run', () => {
  const notRun = samples.filter(({ sample, kind }) => sample.skip || kind === 'output');
  for (const { sample, kind } of notRun)
    console.log(`  not run: ${where(sample)} [${sample.lang}] ${sample.skip ?? kind}`);
  const counts = new Map<string, number>();
  for (const { kind } of samples) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  console.log(`  ${samples.length} blocks: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  assert.ok(samples.length > 0);
});

describe('a broken sample fails', () => {
  const broken = (lang: string, code: string): Sample => ({
    file: 'docs/broken.md',
    line: 1,
    lang,
    code,
  });
  it('a shell sample whose request is refused', async () => {
    await assert.rejects(
      Promise.resolve(
        runners.shell(broken('sh', 'curl -s "$TESSERA_API_URL/v1/quotes/$QUOTE_ID"')),
      ),
      /exited 22/,
    );
  });
  it('an HTML sample whose widget cannot load its quote', { skip: noChromium }, async () => {
    await assert.rejects(
      Promise.resolve(
        runners.browser(
          broken('html', '<tessera-quote quote-id="qt_0000000000000000"></tessera-quote>'),
        ),
      ),
      /tessera-error/,
    );
  });
  it(
    'a script sample that imports what tessera does not export',
    { skip: noChromium },
    async () => {
      await assert.rejects(
        Promise.resolve(
          runners.browser(broken('js', "import { NoSuchThing } from 'tessera';\nNoSuchThing();")),
        ),
        /No matching export/,
      );
    },
  );
  it('a TypeScript sample that misuses the API', () => {
    const sample = broken('ts', "import { configure } from 'tessera';\nconfigure({ apiBase: 1 });");
    assert.notDeepEqual(typecheckSamples([sample]).get(sample), []);
  });
});
