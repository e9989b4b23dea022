/**
 * The custom elements manifest `@tessera/widgets` ships as `dist/custom-elements.json` (named by
 * its package.json's `customElements`), which tools that read the format (editor plugins,
 * Storybook) take the tags, attributes, properties, events, slots and CSS parts from.
 *
 * The repository's `custom-elements.json` (`npm run cem`, kept fresh by
 * test/stories/manifest.test.ts) names source files. This one names the built entries a partner
 * imports: a module under `widgets/<folder>/` becomes that folder's entry (`dist/quote.js`), any
 * other becomes `dist/tessera.js`. Modules that land on one entry are merged, and a JavaScript
 * export stays only when the entry exports that name, as the build says.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rolldown } from 'vite';
import { libraryEntries } from '../vite.config.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Export {
  kind: 'js' | 'custom-element-definition';
  name: string;
  declaration: { name: string; module?: string; package?: string };
}

interface Module {
  kind: 'javascript-module';
  path: string;
  declarations?: unknown[];
  exports?: Export[];
}

export interface Manifest {
  schemaVersion: string;
  readme?: string;
  modules: Module[];
}

/** What each ES entry of a build exports, by file name (`quote.js`). */
export function entryExports(outputs: readonly Rolldown.RolldownOutput[]): Map<string, string[]> {
  const exports = new Map<string, string[]>();
  for (const output of outputs)
    for (const chunk of output.output)
      if (chunk.type === 'chunk' && chunk.isEntry && !chunk.fileName.includes('iife'))
        exports.set(chunk.fileName, chunk.exports);
  return exports;
}

/** Each entry's name by its source file (`widgets/quote/index.ts` → `quote`). */
const ENTRY_NAMES = new Map(Object.entries(libraryEntries()).map(([name, file]) => [file, name]));

/** The entry a source module's declarations ship in, as a path inside the package. */
function entryOf(source: string): string {
  const folder = /^\/?widgets\/([^/]+)\//.exec(source)?.[1];
  return `dist/${ENTRY_NAMES.get(`widgets/${folder}/index.ts`) ?? 'tessera'}.js`;
}

/** Every `module` reference (a superclass, an inherited member, a declaration) pointed at its entry. */
function repoint(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(repoint);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [
      key,
      key === 'module' && typeof member === 'string' && /^\/?widgets\//.test(member)
        ? entryOf(member)
        : repoint(member),
    ]),
  );
}

/** The repository's manifest, as the package ships it. */
export function packageManifest(
  source: Manifest,
  exportsOf: ReadonlyMap<string, readonly string[]>,
): Manifest {
  const modules = new Map<string, Module>();
  for (const module of source.modules) {
    const path = entryOf(module.path);
    const shipped = exportsOf.get(path.replace(/^dist\//, ''));
    if (!shipped) throw new Error(`${module.path}: no entry ${path} in the build`);
    const merged = modules.get(path) ?? {
      kind: 'javascript-module',
      path,
      declarations: [],
      exports: [],
    };
    merged.declarations!.push(...(repoint(module.declarations ?? []) as unknown[]));
    for (const entry of repoint(module.exports ?? []) as Export[]) {
      const unshipped = entry.kind === 'js' && !shipped.includes(entry.name);
      const listed = merged.exports!.some((e) => e.kind === entry.kind && e.name === entry.name);
      if (!unshipped && !listed) merged.exports!.push(entry);
    }
    modules.set(path, merged);
  }
  return { ...source, modules: [...modules.values()] };
}

/** Writes `<outDir>/custom-elements.json` for the entries the build wrote. */
export function writeWidgetsManifest(
  outDir: string,
  outputs: readonly Rolldown.RolldownOutput[],
): void {
  const source = JSON.parse(readFileSync(`${ROOT}custom-elements.json`, 'utf8')) as Manifest;
  const manifest = packageManifest(source, entryExports(outputs));
  writeFileSync(`${outDir}/custom-elements.json`, `${JSON.stringify(manifest, null, 2)}\n`);
}
