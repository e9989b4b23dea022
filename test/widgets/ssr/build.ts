/**
 * The builds a server-rendered page needs, as a partner's would be: the server renderer
 * (`ssr.js`, the package's Node build) and the browser's widget entries with `hydrate.js`,
 * sharing chunks, Lit bundled in (a page without a bundler). Both go through the same template
 * transform, which hydration needs. Written under node_modules/.cache so that `ssr.js` finds
 * Lit where an installed package would.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { viteBuild } from '../../../scripts/build.ts';
import { HYDRATE_ENTRY, libraryEntries, ssrBuild } from '../../../vite.config.ts';

import type * as SsrModule from '../../../widgets/ssr/index.ts';

type Renderer = typeof SsrModule;

export interface PageBuild {
  /** The built renderer. */
  ssr: Renderer;
  /** The browser files: `quote.js`, `onboarding.js`, `account.js`, `hydrate.js`, `chunks/`. */
  webDir: string;
  remove(): Promise<void>;
}

const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url));

export async function buildForPages(): Promise<PageBuild> {
  await mkdir(CACHE, { recursive: true });
  const dir = await mkdtemp(join(CACHE, 'tessera-ssr-'));
  // The per-widget entries, as a page loads one: not `tessera.js` (all in one) nor `headless.js`.
  const widgets = Object.fromEntries(
    Object.entries(libraryEntries()).filter(([name]) => name !== 'tessera' && name !== 'headless'),
  );
  await viteBuild({ ...ssrBuild(), outDir: dir, sourcemap: false });
  const webDir = join(dir, 'web');
  await viteBuild({
    format: 'es',
    entries: { ...widgets, hydrate: HYDRATE_ENTRY },
    outDir: webDir,
    sourcemap: false,
  });
  const ssr = (await import(pathToFileURL(join(dir, 'ssr.js')).href)) as Renderer;
  return { ssr, webDir, remove: () => rm(dir, { recursive: true, force: true }) };
}
