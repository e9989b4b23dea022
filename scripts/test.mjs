#!/usr/bin/env node
// `npm test`: every suite, one summary. Node tests (`*.test.ts`) run with node's own runner
// (through tsx); browser suites (`*.browser.test.ts`, beside the node tests of what they test, run
// by web-test-runner) and the stories (stories/, each rendered and
// played by vitest in browser mode, .storybook/ and vitest.config.ts) need Chromium, which
// ensureChromium() finds or installs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Every `*.test.ts` under `dir`, as paths from the root. */
function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const isBrowserTest = (file) => file.endsWith('.browser.test.ts');

/** Runs a command, echoing its output as it comes, and returns its exit code and full output. */
function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['inherit', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

// eslint-disable-next-line no-control-regex
const plain = (text) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

/** Node's spec reporter ends with `ℹ pass N` / `ℹ fail N`. */
function nodeCounts(output) {
  const pass = [...plain(output).matchAll(/^ℹ pass (\d+)$/gm)].at(-1);
  const fail = [...plain(output).matchAll(/^ℹ fail (\d+)$/gm)].at(-1);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : undefined;
}

/** web-test-runner's progress line: `Chrome: |…| 1/1 test files | 7 passed, 0 failed`. */
function wtrCounts(output) {
  const last = [...plain(output).matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

/** Vitest's summary: `Tests  2 failed | 93 passed (95)` (any part may be missing). */
function vitestCounts(output) {
  const line = [...plain(output).matchAll(/^\s*Tests\s+(.*)$/gm)].at(-1)?.[1];
  if (!line) return undefined;
  const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  const passed = count('passed');
  const failed = count('failed');
  return passed + failed > 0 ? { passed, failed } : undefined;
}

/** Exported for browser suites: the path of a Chromium, installing Debian's when we are root with apt. */
export function ensureChromium() {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ].filter(Boolean);
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(
      "Chromium not found: installing Debian's chromium (apt-get install -y --no-install-recommends chromium)…",
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env,
    });
    if (install.status === 0 && existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  console.error(
    'Browser tests need Chromium. Install it with: sudo apt-get install -y --no-install-recommends chromium\n(or set CHROME_PATH to a Chromium or Chrome binary).',
  );
  process.exit(1);
}

const allTests = findTests(join(root, 'test'));
const files = allTests.filter((file) => !isBrowserTest(file));
if (files.length === 0) {
  console.error('No test files found under test/.');
  process.exit(1);
}
const nodeOnly = process.argv.includes('--node');
// The node phase drives Chromium too (the CSP, docs-sample and end-to-end tests), so find or
// install it first; with --node, a missing Chromium only makes those tests skip.
const chrome = nodeOnly
  ? ([process.env.CHROME_PATH, '/usr/bin/chromium'].find((path) => path && existsSync(path)) ?? '')
  : ensureChromium();
const env = {
  ...process.env,
  TESSERA_LOG_LEVEL: process.env.TESSERA_LOG_LEVEL ?? 'silent',
  ...(chrome ? { CHROME_PATH: chrome } : {}),
};
const node = await run(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  env,
);
const counts = [{ name: 'node', code: node.code, counts: nodeCounts(node.output) }];

// `--node` (npm run test:node) skips the browser suites.
const browserFiles = nodeOnly ? [] : allTests.filter(isBrowserTest);
if (browserFiles.length > 0) {
  console.log(`\nBrowser tests (${browserFiles.length} files, ${chrome}):`);
  const wtr = await run(
    process.execPath,
    [join(root, 'node_modules', '@web', 'test-runner', 'dist', 'bin.js')],
    { ...env, CHROME_PATH: chrome },
  );
  counts.push({ name: 'browser', code: wtr.code, counts: wtrCounts(wtr.output) });
}

// The stories: every one not tagged `!test` rendered in Chromium, its play run, axe over it.
const storyFiles = nodeOnly
  ? []
  : existsSync(join(root, 'stories'))
    ? readdirSync(join(root, 'stories')).filter((name) => name.endsWith('.stories.ts'))
    : [];
if (storyFiles.length > 0) {
  console.log(`\nStories (${storyFiles.length} files, ${chrome}):`);
  const vitest = await run(
    process.execPath,
    [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project=storybook'],
    { ...env, CHROME_PATH: chrome, STORYBOOK_DISABLE_TELEMETRY: '1' },
  );
  counts.push({ name: 'stories', code: vitest.code, counts: vitestCounts(vitest.output) });
}

const failedSuites = counts.filter((suite) => suite.code !== 0).map((suite) => suite.name);
if (counts.every((suite) => suite.counts)) {
  const passed = counts.reduce((sum, suite) => sum + suite.counts.passed, 0);
  const failed = counts.reduce((sum, suite) => sum + suite.counts.failed, 0);
  console.log(`\n${passed} passed, ${failed} failed`);
}
if (failedSuites.length > 0) console.error(`Failing: ${failedSuites.join(', ')}`);
process.exit(failedSuites.length > 0 ? 1 : 0);
