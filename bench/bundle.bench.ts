/**
 * bench:bundle — what a partner's page downloads, measured on a fresh production build made in
 * this run (`scripts/build.ts`, into a temporary directory).
 *
 *   per ESM entry: the entry and every chunk it imports statically, i.e. what an English page
 *     loads; the other languages' catalogues (loaded on first use) are listed apart
 *   the full single file: `tessera.iife.js` (every widget, Lit, all catalogues inlined)
 *   each widget built alone: what it costs without the others in the build
 *   per dependency: small probe entries built in the same run, so the rest is our own code
 *
 * Sizes are gzip at zlib level 9, per file as a server would send it, and raw bytes; 1 KB = 1024 B.
 * Goals (issue 4): the full bundle ≤ 30 KB gzip; the quote entry with Lit ≤ 22 KB gzip.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import type { Plugin, Rolldown } from 'vite';
import { buildLibrary, viteBuild } from '../scripts/build.ts';
import { libraryEntries } from '../vite.config.ts';

const KB = 1024;
const GOALS = { full: 30 * KB, quote: 22 * KB };

interface Size {
  raw: number;
  gzip: number;
}

const add = (a: Size, b: Size): Size => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip });
const ZERO: Size = { raw: 0, gzip: 0 };

async function sizeOf(path: string): Promise<Size> {
  const bytes = await readFile(path);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length,
  };
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ');
}

type Chunks = Map<string, Rolldown.OutputChunk>;

function chunksOf(output: Rolldown.RolldownOutput): Chunks {
  return new Map(
    output.output.flatMap((item) =>
      item.type === 'chunk' ? [[item.fileName, item] as const] : [],
    ),
  );
}

/** The files an entry loads before it runs (static imports, transitively), in load order. */
function staticClosure(entry: string, chunks: Chunks): string[] {
  const seen = new Set<string>();
  const visit = (fileName: string) => {
    if (seen.has(fileName)) return;
    seen.add(fileName);
    for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
  };
  visit(entry);
  return [...seen];
}

/** The chunks an entry may load later (dynamic imports), beyond what it already loaded. */
function lazyChunks(files: string[], chunks: Chunks): string[] {
  const loaded = new Set(files);
  const lazy = new Set<string>();
  for (const file of files) {
    for (const dynamic of chunks.get(file)?.dynamicImports ?? []) {
      for (const needed of staticClosure(dynamic, chunks)) {
        if (!loaded.has(needed)) lazy.add(needed);
      }
    }
  }
  return [...lazy].sort();
}

/** The npm package a module comes from, or our folder (`widgets/quote`, `contracts`). */
function ownerOf(moduleId: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(moduleId);
  if (dependency?.[1]) return dependency[1];
  return /\/(contracts|widgets\/\w+)\//.exec(moduleId)?.[1] ?? 'other';
}

const PROBES: Record<string, { what: string; code: string }> = {
  lit: {
    what: 'Lit (LitElement, html, css, nothing, unsafeCSS)',
    code: `export { LitElement, html, css, nothing, unsafeCSS } from 'lit';`,
  },
  litContext: {
    what: 'Lit + @lit/context (provider, consumer)',
    code: `export { LitElement, html, css, nothing, unsafeCSS } from 'lit';
export { ContextConsumer, ContextProvider, createContext } from '@lit/context';`,
  },
  zod: {
    what: 'zod/mini + the schemas the quote parses with (Quote, QuoteAccept, QuoteDecline)',
    code: `export { Quote, QuoteAccept, QuoteDecline, QuoteId } from '/contracts/v1/quote.ts';`,
  },
};

/** Probe entries as virtual modules, so nothing is written into the source tree. */
function probePlugin(): Plugin {
  return {
    name: 'tessera-bundle-probes',
    // Vite hands a library entry over as a path under the root: match the end.
    resolveId: (id) => {
      const name = /probe:(\w+)$/.exec(id)?.[1];
      return name ? `\0probe:${name}` : undefined;
    },
    load: (id) =>
      id.startsWith('\0probe:') ? PROBES[id.slice('\0probe:'.length)]?.code : undefined,
  };
}

async function probe(name: string, outDir: string): Promise<Size> {
  const dir = join(outDir, `probe-${name}`);
  await viteBuild({
    format: 'es',
    outDir: dir,
    sourcemap: false,
    entries: { [name]: `probe:${name}` },
    plugins: [probePlugin()],
  });
  return sizeOf(join(dir, `${name}.js`));
}

const outDir = await mkdtemp(join(tmpdir(), 'tessera-bundle-'));
try {
  const started = performance.now();
  const { outputs } = await buildLibrary({ outDir, sourcemap: false });
  const buildMs = performance.now() - started;
  const sizes = new Map<string, Size>();
  for (const { output } of outputs) {
    for (const item of output.output)
      sizes.set(item.fileName, await sizeOf(join(outDir, item.fileName)));
  }
  const total = (files: string[]) =>
    files.reduce((sum, file) => add(sum, sizes.get(file) ?? ZERO), ZERO);

  console.log(
    `bench:bundle — Vite production build in ${(buildMs / 1000).toFixed(1)} s; gzip -9 per file\n`,
  );

  const widths = [34, 10, 10, 8, 30];
  console.log(
    row(['ESM entry (English page)', 'gzip', 'raw', 'files', 'lazy catalogues (gzip)'], widths),
  );
  const perEntry = new Map<string, { size: Size; files: string[]; chunks: Chunks }>();
  for (const { build, output } of outputs) {
    if (build.format !== 'es') continue;
    const chunks = chunksOf(output);
    for (const entry of [...chunks.values()].filter((chunk) => chunk.isEntry)) {
      const files = staticClosure(entry.fileName, chunks);
      const size = total(files);
      perEntry.set(entry.name, { size, files, chunks });
      const byLanguage = new Map<string, number>();
      for (const file of lazyChunks(files, chunks)) {
        const language = /\.(\w+)-[^/]+\.js$/.exec(file)?.[1] ?? file;
        byLanguage.set(language, (byLanguage.get(language) ?? 0) + (sizes.get(file)?.gzip ?? 0));
      }
      const lazyText = [...byLanguage]
        .map(([language, gzip]) => `${language} ${kb(gzip)}`)
        .join(', ');
      console.log(
        row(
          [entry.fileName, kb(size.gzip), kb(size.raw), String(files.length), lazyText || '—'],
          widths,
        ),
      );
    }
  }

  const iifeFile = outputs
    .find(({ build }) => build.format === 'iife')
    ?.output.output.find((item) => item.type === 'chunk' && item.isEntry);
  const full = await sizeOf(join(outDir, iifeFile?.fileName ?? 'tessera.iife.js'));
  console.log(
    row(
      [`${iifeFile?.fileName} (single file)`, kb(full.gzip), kb(full.raw), '1', 'inlined'],
      widths,
    ),
  );

  // Each widget in a build of its own: its cost without the code and chunking the others bring.
  console.log(
    '\nEach widget built alone (one file, English; shared chunks above also carry what other widgets need)',
  );
  const alone = new Map<string, Size>();
  for (const [name, entry] of Object.entries(libraryEntries())) {
    if (name === 'tessera' || name === 'headless') continue; // one file already, or no Lit
    const dir = join(outDir, `alone-${name}`);
    await viteBuild({ format: 'es', outDir: dir, sourcemap: false, entries: { [name]: entry } });
    const size = await sizeOf(join(dir, `${name}.js`));
    alone.set(name, size);
    console.log(row([`${name}.js alone`, kb(size.gzip), kb(size.raw), '1', ''], widths));
  }

  const quoteEntry = perEntry.get('quote');
  const quote = quoteEntry?.size ?? ZERO;
  const quoteAlone = alone.get('quote') ?? ZERO;
  console.log('\nGoals');
  console.log(
    `  full single file  ${kb(full.gzip)} of ${kb(GOALS.full)}  ${pct(full.gzip / GOALS.full)}  ${full.gzip <= GOALS.full ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  quote entry       ${kb(quote.gzip)} of ${kb(GOALS.quote)}  ${pct(quote.gzip / GOALS.quote)}  ${quote.gzip <= GOALS.quote ? 'met' : 'NOT met'}`,
  );
  const bundle = perEntry.get('tessera')?.size ?? ZERO;
  console.log(
    `  tessera.js file   ${kb(bundle.gzip)} of ${kb(GOALS.full)}  ${pct(bundle.gzip / GOALS.full)}  ${bundle.gzip <= GOALS.full ? 'met' : 'NOT met'}  (ESM, an English page)`,
  );
  console.log(
    `  quote built alone ${kb(quoteAlone.gzip)} of ${kb(GOALS.quote)}  ${pct(quoteAlone.gzip / GOALS.quote)}  ${quoteAlone.gzip <= GOALS.quote ? 'met' : 'NOT met'}`,
  );

  console.log('\nWhat the dependencies cost (probe entries, each built alone)');
  const probes = new Map<string, Size>();
  for (const name of Object.keys(PROBES)) probes.set(name, await probe(name, outDir));
  const quoteModules = (quoteEntry?.files ?? []).flatMap((file) =>
    Object.entries(quoteEntry?.chunks.get(file)?.modules ?? {}),
  );
  const bundles = (pkg: string) =>
    quoteModules.some(([id, info]) => ownerOf(id) === pkg && info.renderedLength > 0);
  const bundled: Record<string, boolean> = {
    lit: bundles('lit-html'),
    litContext: bundles('@lit/context'),
    zod: bundles('zod'),
  };
  for (const [name, size] of probes) {
    const share = bundled[name]
      ? pct(size.gzip / quote.gzip) + ' of the quote entry'
      : 'not in the quote entry';
    console.log(
      `  ${kb(size.gzip).padStart(8)} gzip ${kb(size.raw).padStart(8)} raw  ${PROBES[name]?.what} — ${share}`,
    );
  }
  const deps =
    (bundled.litContext ? (probes.get('litContext')?.gzip ?? 0) : 0) +
    (bundled.zod ? (probes.get('zod')?.gzip ?? 0) : 0);
  console.log(
    `  ≈ ${kb(quoteAlone.gzip - deps).padStart(6)} gzip our own code in the quote (quote built alone − the probes it bundles; gzip is not additive: an estimate)`,
  );

  console.log('\nLargest modules on the quote entry’s path (bytes rendered, before minification)');
  const byOwner = new Map<string, number>();
  for (const [id, info] of quoteModules)
    byOwner.set(ownerOf(id), (byOwner.get(ownerOf(id)) ?? 0) + info.renderedLength);
  const rendered = [...byOwner.values()].reduce((a, b) => a + b, 0);
  console.log(
    '  ' +
      [...byOwner]
        .sort((a, b) => b[1] - a[1])
        .map(([owner, bytes]) => `${owner} ${pct(bytes / rendered)}`)
        .join(', '),
  );
  for (const [id, info] of quoteModules
    .sort((a, b) => b[1].renderedLength - a[1].renderedLength)
    .slice(0, 10)) {
    console.log(
      `  ${String(info.renderedLength).padStart(7)}  ${id.replace(/^.*?node_modules\//, '').replace(/^.*\/(?=(widgets|contracts)\/)/, '')}`,
    );
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
