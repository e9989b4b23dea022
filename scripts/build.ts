/**
 * `npm run build`: the publishable packages, each into its own `dist/`, which is what `npm pack`
 * ships from it (`node --import tsx scripts/build.ts [contracts|verify|widgets …]` builds some):
 *
 * - `contracts/dist/`: the contracts as ESM JavaScript and declarations.
 * - `verify/dist/`: the verifier, the same, importing the contracts as `@tessera/contracts`.
 * - `widgets/dist/`: `tessera.js`, `quote.js`, `onboarding.js`, `account.js`, `headless.js`,
 *   `hydrate.js` (ESM sharing chunks under `chunks/`, Lit left to the app), `tessera.iife.js`
 *   (one classic script, Lit inlined), `ssr.js` (the server renderer, Node) and the declarations
 *   under `types/` (see `packageBuilds()`), and `custom-elements.json` for editors and tools
 *   (scripts/widgets-manifest.ts).
 *
 * `buildLibrary()` is the browser library for a page without a bundler, Lit inlined: the bundle
 * benchmark and the CSP test build it into a directory of their own.
 */
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import {
  HYDRATE_ENTRY,
  libraryBuilds,
  libraryConfig,
  libraryEntries,
  packageBuilds,
  type LibraryBuild,
} from '../vite.config.ts';
import { compileWorkspace } from './compile.ts';
import { writeWidgetsManifest } from './widgets-manifest.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuildOptions {
  outDir: string;
  sourcemap?: boolean;
}

export interface LibraryOutput {
  outDir: string;
  /** What each build wrote, in `libraryBuilds()` order: entries and chunks with their imports. */
  outputs: { build: LibraryBuild; output: Rolldown.RolldownOutput }[];
}

/** One Vite build, returning what it wrote. */
export async function viteBuild(options: LibraryBuild): Promise<Rolldown.RolldownOutput> {
  const result = await build(libraryConfig(options));
  if (Array.isArray(result)) return result[0] as Rolldown.RolldownOutput;
  if ('output' in result) return result;
  throw new Error('Unexpected watch mode.');
}

export async function buildLibrary(options: BuildOptions): Promise<LibraryOutput> {
  const { outDir, sourcemap = true } = options;
  const outputs: LibraryOutput['outputs'] = [];
  for (const build of libraryBuilds()) {
    outputs.push({ build, output: await viteBuild({ ...build, outDir, sourcemap }) });
  }
  return { outDir, outputs };
}

/**
 * Type-only entries: the `tessera-*` tags in React's JSX and as Vue's global components
 * (`@tessera/widgets/react`, `@tessera/widgets/vue`); no JavaScript.
 */
const FRAMEWORK_TYPE_ENTRIES = ['types/react.ts', 'types/vue.ts'];

/** The server renderer's entry, `@tessera/widgets/ssr`: Node's types, unlike the browser's. */
const SSR_TYPE_ENTRY = 'ssr/index.ts';

/** The declarations of the widgets' entries (and of what they import), as they ship. */
function compileWidgetTypes(outDir: string): void {
  compileWorkspace({
    dir: 'widgets',
    entries: [
      ...Object.values(libraryEntries()).map((entry) => entry.replace(/^widgets\//, '')),
      HYDRATE_ENTRY.replace(/^widgets\//, ''),
      ...FRAMEWORK_TYPE_ENTRIES,
    ],
    outDir,
    declarationOnly: true,
  });
  // Apart and then merged: each compilation empties its directory, and what the two share
  // (`core/`, `quote/`…) comes out the same.
  const ssrOut = `${outDir}.ssr`;
  compileWorkspace({
    dir: 'widgets',
    entries: [SSR_TYPE_ENTRY],
    outDir: ssrOut,
    declarationOnly: true,
    types: ['node'],
  });
  cpSync(ssrOut, outDir, { recursive: true });
  rmSync(ssrOut, { recursive: true, force: true });
}

/** Every module of a folder, recursively, relative to it; `dist/` aside. */
function modulesOf(dir: string): string[] {
  return readdirSync(`${ROOT}${dir}`, { recursive: true, encoding: 'utf8' })
    .map((path) => path.split('\\').join('/'))
    .filter((path) => path.endsWith('.ts') && !path.startsWith('dist/'))
    .sort();
}

/** Each package's build, into its own `dist/` unless told another directory (a test's copy). */
export const PACKAGES = {
  /** Every module, so each is there for its subpath (`@tessera/contracts/v1/errors`). */
  contracts: (outDir = `${ROOT}contracts/dist`) => {
    compileWorkspace({ dir: 'contracts', entries: modulesOf('contracts'), outDir });
  },
  verify: (outDir = `${ROOT}verify/dist`) => {
    compileWorkspace({ dir: 'verify', entries: ['index.ts'], outDir, types: ['node'] });
  },
  widgets: async (outDir = `${ROOT}widgets/dist`) => {
    const outputs = [];
    for (const build of packageBuilds()) outputs.push(await viteBuild({ ...build, outDir }));
    compileWidgetTypes(`${outDir}/types`);
    writeWidgetsManifest(outDir, outputs);
  },
  sdk: (outDir = `${ROOT}sdk/dist`) => {
    compileWorkspace({ dir: 'sdk', entries: ['index.ts', 'testing.ts'], outDir, types: ['node'] });
  },
} satisfies Record<string, (outDir?: string) => unknown>;

export type PackageName = keyof typeof PACKAGES;

/**
 * Builds the named packages (all by default) into their `dist/`, or the directory `outDirs`
 * gives one, in dependency order.
 */
export async function buildPackages(
  names: readonly PackageName[] = ['contracts', 'verify', 'widgets', 'sdk'],
  log: (line: string) => void = () => {},
  outDirs: Partial<Record<PackageName, string>> = {},
): Promise<void> {
  for (const name of names) {
    const started = performance.now();
    await PACKAGES[name](outDirs[name]);
    log(`built @tessera/${name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in PACKAGES));
  if (unknown.length > 0) {
    console.error(
      `Unknown package ${unknown.join(', ')}: one of ${Object.keys(PACKAGES).join(', ')}`,
    );
    process.exit(2);
  }
  await buildPackages(names.length > 0 ? (names as PackageName[]) : undefined, (line) =>
    console.log(line),
  );
}
