import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

/**
 * The boundary rule in eslint.config.js, run through ESLint's own API on one-line sources placed
 * (by `filePath`, nothing is written) inside each area: every forbidden arrow is reported, every
 * allowed one passes.
 */

const ROOT = join(import.meta.dirname, '..', '..');
// The config is plain JavaScript, outside the type-checked project: its table is read at run time.
const { FORBIDDEN_IMPORTS } = (await import(
  pathToFileURL(join(ROOT, 'eslint.config.js')).href
)) as {
  FORBIDDEN_IMPORTS: Record<string, string[]>;
};
const eslint = new ESLint({
  cwd: ROOT,
  // Only the boundary rule, and no type information: the sources are one import each.
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

/** The messages of the boundary rule for `import … from specifier` in a file at `path`. */
async function boundaryMessages(path: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport { x };\n`, {
    filePath: join(ROOT, path),
  });
  assert.ok(result, 'ESLint linted the source');
  return result.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

const FORBIDDEN: [file: string, specifier: string][] = [
  ['contracts/v1/fixture.ts', '../../verify/index.ts'],
  ['contracts/v1/fixture.ts', '../../service-kit/log.ts'],
  ['contracts/v1/fixture.ts', '../../widgets/index.ts'],
  ['contracts/fixture.ts', '../token-service/server.ts'],
  ['verify/fixture.ts', '../service-kit/log.ts'],
  ['verify/fixture.ts', '../token-service/keys.ts'],
  ['verify/fixture.ts', '../core-api/server.ts'],
  ['verify/fixture.ts', '../widgets/index.ts'],
  ['service-kit/fixture.ts', '../verify/index.ts'],
  ['service-kit/http/fixture.ts', '../../token-service/config.ts'],
  ['service-kit/db/fixture.ts', '../../core-api/config.ts'],
  ['service-kit/fixture.ts', '../widgets/index.ts'],
  ['core-api/fixture.ts', '../token-service/server.ts'],
  ['core-api/http/routes/fixture.ts', '../../../token-service/ids.ts'],
  ['token-service/fixture.ts', '../core-api/server.ts'],
  ['token-service/store/sql/fixture.ts', '../../../core-api/store/types.ts'],
  ['widgets/core/fixture.ts', '../../verify/index.ts'],
  ['widgets/quote/fixture.ts', '../../service-kit/log.ts'],
  ['widgets/fixture.ts', '../token-service/server.ts'],
  ['widgets/account/fixture.ts', '../../core-api/seed.ts'],
  ['sdk/fixture.ts', '../core-api/server.ts'],
  ['sdk/fixture.ts', '../service-kit/log.ts'],
  ['sdk/fixture.ts', '../verify/index.ts'],
  ['sdk/fixture.ts', '../token-service/ids.ts'],
];

const ALLOWED: [file: string, specifier: string][] = [
  ['contracts/v1/fixture.ts', './errors.ts'],
  ['contracts/fixture.ts', './v1/errors.ts'],
  ['contracts/fixture.ts', 'zod/mini'],
  ['verify/fixture.ts', '../contracts/index.ts'],
  ['verify/fixture.ts', './dpop.ts'],
  ['verify/fixture.ts', 'jose'],
  ['service-kit/http/fixture.ts', '../../contracts/index.ts'],
  ['service-kit/http/fixture.ts', '../log.ts'],
  ['token-service/fixture.ts', '../service-kit/log.ts'],
  ['token-service/fixture.ts', '../verify/index.ts'],
  ['token-service/http/fixture.ts', '../../contracts/index.ts'],
  ['core-api/fixture.ts', '../verify/index.ts'],
  ['core-api/http/fixture.ts', '../../service-kit/http/body.ts'],
  ['core-api/http/routes/fixture.ts', '../context.ts'],
  ['widgets/quote/fixture.ts', '../../contracts/index.ts'],
  ['widgets/quote/fixture.ts', '../core/controller.ts'],
  ['widgets/fixture.ts', 'lit'],
  ['sdk/fixture.ts', '../contracts/index.ts'],
  ['sdk/fixture.ts', 'standardwebhooks'],
  // Outside the areas with a floor to keep, nothing is restricted.
  ['bin/fixture.ts', '../token-service/server.ts'],
  ['test/core-api/fixture.ts', '../../token-service/server.ts'],
];

describe('the boundary lint rule', () => {
  for (const [file, specifier] of FORBIDDEN) {
    it(`refuses ${file} → ${specifier}`, async () => {
      const messages = await boundaryMessages(file, specifier);
      assert.equal(messages.length, 1, `expected one boundary error, got ${messages.join('; ')}`);
      assert.match(messages[0]!, /may not import this area/);
    });
  }
  for (const [file, specifier] of ALLOWED) {
    it(`allows ${file} → ${specifier}`, async () => {
      assert.deepEqual(await boundaryMessages(file, specifier), []);
    });
  }
});

/** The arrows of docs/architecture.md's dependency flowchart, as `from → to` folder names. */
async function drawnArrows(): Promise<Set<string>> {
  const doc = await readFile(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const diagram = /```mermaid\n(flowchart[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(diagram, 'docs/architecture.md has a dependency flowchart');
  const folders = new Map<string, string>();
  for (const [, id, folder] of diagram.matchAll(/(\w+)\["([\w-]+)\/"\]/g))
    folders.set(id!, folder!);
  const arrows = new Set<string>();
  for (const line of diagram.split('\n')) {
    const edge = /^\s*(\w+)(?:\["[^"]*"\])?\s*-->\s*(\w+)\s*$/.exec(line);
    if (!edge) continue;
    const [from, to] = [folders.get(edge[1]!), folders.get(edge[2]!)];
    assert.ok(from && to, `every node of an arrow is a folder: ${line.trim()}`);
    arrows.add(`${from} → ${to}`);
  }
  return arrows;
}

describe("docs/architecture.md's dependency diagram", () => {
  it('draws exactly the imports the lint rule allows between the areas it guards', async () => {
    const areas = Object.keys(FORBIDDEN_IMPORTS);
    const allowed = new Set(
      areas.flatMap((from) =>
        areas
          .filter((to) => to !== from && !FORBIDDEN_IMPORTS[from]!.includes(to))
          .map((to) => `${from} → ${to}`),
      ),
    );
    assert.deepEqual([...(await drawnArrows())].sort(), [...allowed].sort());
  });
});
