/**
 * `npm run build`: the browser library in `dist/` — `tessera.js` (every widget in one ESM file),
 * the per-widget entries and `headless.js` (sharing chunks under `chunks/`, where the languages'
 * catalogues are too), `tessera.iife.js` for a classic `<script>`, and the type declarations
 * under `dist/types/`. The bundle benchmark and the CSP test call `buildLibrary()` into a
 * directory of their own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { libraryBuilds, libraryConfig, type LibraryBuild } from '../vite.config.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuildOptions {
  outDir?: string;
  /** Also emit the `.d.ts` files (a few seconds more; only `npm run build` needs them). */
  types?: boolean;
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

export async function buildLibrary(options: BuildOptions = {}): Promise<LibraryOutput> {
  const { outDir = `${ROOT}dist`, types = false, sourcemap = true } = options;
  const outputs: LibraryOutput['outputs'] = [];
  for (const build of libraryBuilds()) {
    outputs.push({ build, output: await viteBuild({ ...build, outDir, sourcemap }) });
  }
  if (types) {
    const tsc = spawnSync(
      process.execPath,
      [
        `${ROOT}node_modules/typescript/bin/tsc`,
        '-p',
        `${ROOT}tsconfig.build.json`,
        '--declarationDir',
        `${outDir}/types`,
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (tsc.status !== 0) throw new Error('tsc could not emit the type declarations.');
  }
  return { outDir, outputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outDir } = await buildLibrary({ types: true });
  console.log(`Built ${outDir}`);
}
