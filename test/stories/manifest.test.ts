/**
 * Storybook's controls and docs pages read custom-elements.json: it must say what the elements'
 * JSDoc says now. Regenerates it into a temporary directory and compares (`npm run cem` fixes it).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cem = join(root, 'node_modules', '@custom-elements-manifest', 'analyzer', 'cem.js');

interface Declaration {
  name: string;
  tagName?: string;
  attributes?: { name: string }[];
  events?: { name: string }[];
  slots?: { name: string }[];
  cssParts?: { name: string }[];
  cssProperties?: { name: string }[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

async function read(path: string): Promise<Manifest> {
  return JSON.parse(await readFile(path, 'utf8')) as Manifest;
}

test('custom-elements.json is what the analyzer makes of the elements now', async () => {
  const out = await mkdtemp(join(tmpdir(), 'tessera-cem-'));
  try {
    await promisify(execFile)(
      process.execPath,
      [
        cem,
        'analyze',
        '--config',
        'custom-elements-manifest.config.mjs',
        '--outdir',
        relative(root, out),
        '--quiet',
      ],
      { cwd: root },
    );
    const fresh = await read(join(out, 'custom-elements.json'));
    const committed = await read(join(root, 'custom-elements.json'));
    assert.deepEqual(committed, fresh, 'custom-elements.json is stale: run `npm run cem`');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('every widget documents its tag, attributes, events, slots, parts and custom properties', async () => {
  const manifest = await read(join(root, 'custom-elements.json'));
  const elements = manifest.modules.flatMap((module) => module.declarations ?? []);
  const tags = elements.flatMap((element) => (element.tagName ? [element.tagName] : []));
  assert.deepEqual(tags.toSorted(), [
    'tessera-account',
    'tessera-onboarding',
    'tessera-provider',
    'tessera-quote',
  ]);
  for (const element of elements.filter((e) => e.tagName && e.tagName !== 'tessera-provider')) {
    const names = (list: { name: string }[] | undefined) => (list ?? []).map((item) => item.name);
    assert.ok(names(element.attributes).includes('locale'), `${element.tagName}: attributes`);
    assert.ok(
      names(element.attributes).every((name) => !name.startsWith('_')),
      `${element.tagName}: no internal state as attributes`,
    );
    assert.deepEqual(
      names(element.events).toSorted(),
      ['tessera-change', 'tessera-error', 'tessera-ready', 'tessera-success'],
      `${element.tagName}: events`,
    );
    assert.ok(names(element.slots).includes('footer'), `${element.tagName}: slots`);
    assert.ok(names(element.cssParts).includes('base'), `${element.tagName}: parts`);
    const widget = element.tagName!.replace('tessera-', '');
    assert.ok(
      names(element.cssProperties).includes(`--tessera-${widget}-accent`),
      `${element.tagName}: custom properties`,
    );
  }
});
