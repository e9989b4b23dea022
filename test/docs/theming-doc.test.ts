/**
 * docs/theming.md lists every part, slot and custom property each widget declares in its JSDoc,
 * and every global token the shared theme reads: a widget that gains one fails here until the
 * page says what it is.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from './stack.ts';
import { globalTokens, widgetApis } from './widget-api.ts';

const doc = readFileSync(join(ROOT, 'docs/theming.md'), 'utf8');

/** The text of the `### \`<tag>\`` section, up to the next heading of the same or a higher level. */
function section(tag: string): string {
  const start = doc.indexOf(`### \`<${tag}>\``);
  if (start < 0) return '';
  const rest = doc.slice(start + 1);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

it('lists every part, slot and custom property of every widget, under that widget', () => {
  const missing: string[] = [];
  const apis = widgetApis();
  assert.ok(apis.length >= 1);
  for (const api of apis) {
    const text = section(api.tag);
    if (!text) missing.push(`a section "### \`<${api.tag}>\`"`);
    for (const name of [...api.parts.keys(), ...api.slots.keys(), ...api.properties.keys()])
      if (!text.includes(`\`${name}\``)) missing.push(`<${api.tag}> ${name}`);
  }
  assert.deepEqual(missing, [], 'docs/theming.md lacks these (see the JSDoc on the element)');
});

it('lists every global token the shared theme reads', () => {
  for (const token of globalTokens()) assert.ok(doc.includes(`\`${token}\``), token);
});

it('shows the picture scripts/doc-screenshots.ts makes', () => {
  const images = [...doc.matchAll(/!\[[^\]]+\]\(([^)]+\.png)\)/g)].map((m) => m[1]!);
  assert.ok(images.length > 0, 'no picture');
  for (const image of images) {
    const path = join(ROOT, 'docs', image);
    assert.ok(
      existsSync(path),
      `${image} is missing: run node --import tsx scripts/doc-screenshots.ts`,
    );
    assert.deepEqual(
      [...readFileSync(path).subarray(0, 4)],
      [0x89, 0x50, 0x4e, 0x47],
      `${image} is a PNG`,
    );
  }
});
