#!/usr/bin/env node
// `npm test`: every suite, one summary. Node tests run with node's own runner (through tsx);
// browser suites, once they exist, need Chromium, which ensureChromium() finds or installs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'browser' ? [] : findTests(path);
    return /\.test\.ts$/.test(name) ? [relative(root, path)] : [];
  });
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

const files = findTests(join(root, 'test'));
if (files.length === 0) {
  console.error('No test files found under test/.');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TESSERA_LOG_LEVEL: process.env.TESSERA_LOG_LEVEL ?? 'silent' },
  },
);
process.exit(result.status ?? 1);
