/**
 * The size budgets of bench/budgets.ts, enforced on a fresh production build of the browser
 * library: an entry over its budget (its ceiling while it has one, else its goal) fails here.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUDGETS, limitKb } from '../../bench/budgets.ts';
import { KB, measureLibrary, type LibrarySizes } from '../../bench/support/bundle-sizes.ts';

describe('bundle budgets (gzip -9, an English page)', () => {
  let outDir: string;
  let measured: LibrarySizes;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'tessera-budgets-'));
    measured = await measureLibrary(outDir);
  });
  after(() => rm(outDir, { recursive: true, force: true }));

  for (const budget of BUDGETS) {
    const limit = limitKb(budget);
    it(`${budget.file} with the chunks it imports stays within ${limit} KB`, () => {
      const entry = measured.entries.get(budget.file);
      assert.ok(entry, `${budget.file} was not built`);
      const kb = entry.size.gzip / KB;
      assert.ok(
        kb <= limit,
        `${budget.file} is ${kb.toFixed(2)} KB gzip, over its ${budget.ceiling ? 'ceiling' : 'goal'} of ${limit} KB`,
      );
    });
  }

  it('keeps every ceiling above its goal (a met goal drops its ceiling)', () => {
    for (const budget of BUDGETS) {
      if (budget.ceiling) assert.ok(budget.ceiling.kb > budget.goal, budget.file);
    }
  });

  it('ships no zod: the contracts reach the browser as checks compiled from them', () => {
    for (const entry of measured.entries.values()) {
      const modules = entry.files.flatMap((file) =>
        Object.entries(entry.chunks.get(file)?.modules ?? {}),
      );
      const zod = modules.filter(
        ([id, info]) => /node_modules\/zod\//.test(id) && info.renderedLength,
      );
      assert.deepEqual(
        zod.map(([id]) => id),
        [],
        `${entry.file} holds zod`,
      );
      const checks = modules.some(([id]) => id.endsWith('scripts/contract-checks/runtime.ts'));
      assert.ok(checks, `${entry.file} has no contract checks`);
    }
  });

  it('leaves the English page nothing to load before the first render but its entry closure', () => {
    // The other languages' catalogues load on first use: they are lazy chunks, not static imports.
    const tessera = measured.entries.get('tessera.js');
    assert.ok(tessera);
    assert.ok(tessera.files.every((file) => !/\.(de|fr|es)-[^/]+\.js$/.test(file)));
    assert.ok(tessera.lazy.some((file) => /\.de-[^/]+\.js$/.test(file)));
  });

  it("loads a widget entry with no other widget's code, in few files", () => {
    const widgets = ['quote', 'onboarding', 'account'];
    for (const widget of widgets) {
      const entry = measured.entries.get(`${widget}.js`);
      assert.ok(entry, `${widget}.js was not built`);
      const others = entry.files
        .flatMap((file) => Object.keys(entry.chunks.get(file)?.modules ?? {}))
        .filter((id) =>
          widgets.some((other) => other !== widget && id.includes(`/widgets/${other}/`)),
        );
      assert.deepEqual(others, [], `${widget}.js loads another widget's modules`);
      // The entry, what every widget shares, and (onboarding, account) what those two share.
      assert.ok(entry.files.length <= 3, `${widget}.js loads ${entry.files.join(', ')}`);
    }
  });

  it('builds headless.js as one file without Lit, apart from the elements', () => {
    const headless = measured.entries.get('headless.js');
    assert.ok(headless, 'headless.js was not built');
    assert.deepEqual(headless.files, ['headless.js']);
    const modules = Object.keys(headless.chunks.get('headless.js')?.modules ?? {});
    assert.deepEqual(
      modules.filter((id) => /node_modules\/(lit|lit-html|lit-element|@lit)\//.test(id)),
      [],
    );
    assert.ok(modules.some((id) => id.endsWith('/widgets/quote/quote.controller.ts')));
  });
});
