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
 * Budgets: bench/budgets.ts (goals, and the ceilings the test enforces until a goal is met).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { viteBuild } from '../scripts/build.ts';
import { libraryEntries } from '../vite.config.ts';
import { BUDGETS, limitKb } from './budgets.ts';
import { KB, ZERO, measureLibrary, sizeOf, type Size } from './support/bundle-sizes.ts';

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ');
}

/** The npm package a module comes from, or our folder (`widgets/quote`, `contracts`). */
function ownerOf(moduleId: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(moduleId);
  if (dependency?.[1]) return dependency[1];
  return /\/(scripts\/contract-checks|contracts|widgets\/\w+)\//.exec(moduleId)?.[1] ?? 'other';
}

const PROBES: Record<string, { what: string; code: string }> = {
  lit: {
    what: 'Lit (LitElement, html, css, nothing, unsafeCSS)',
    code: `export { LitElement, html, css, nothing, unsafeCSS } from 'lit';`,
  },
  zod: {
    what: 'the contract checks the quote parses with (Quote, QuoteAccept, QuoteDecline; compiled from zod)',
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
  const { entries, sizes } = await measureLibrary(outDir);
  const buildMs = performance.now() - started;

  console.log(
    `bench:bundle — Vite production build in ${(buildMs / 1000).toFixed(1)} s; gzip -9 per file\n`,
  );

  const widths = [34, 10, 10, 8, 30];
  console.log(row(['Entry (English page)', 'gzip', 'raw', 'files', 'lazy (gzip)'], widths));
  for (const entry of entries.values()) {
    const byPart = new Map<string, number>();
    for (const file of entry.lazy) {
      // A catalogue is `chunks/<widget>.<language>-<hash>.js` (the classic script's:
      // `tessera.<widget>.<language>.js`); other lazy parts go by name.
      const part =
        /^tessera\.\w+\.(\w+)\.js$/.exec(file)?.[1] ??
        /\.(\w+)-[^/]+\.js$/.exec(file)?.[1] ??
        /(\w+)-[^/]+\.js$/.exec(file)?.[1] ??
        file;
      byPart.set(part, (byPart.get(part) ?? 0) + (sizes.get(file)?.gzip ?? 0));
    }
    const lazyText = [...byPart].map(([part, gzip]) => `${part} ${kb(gzip)}`).join(', ');
    console.log(
      row(
        [
          entry.file,
          kb(entry.size.gzip),
          kb(entry.size.raw),
          String(entry.files.length),
          lazyText || '—',
        ],
        widths,
      ),
    );
  }

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

  // bench/budgets.ts: the goals, and the ceilings `npm test` enforces until a goal is met.
  console.log('\nBudgets (bench/budgets.ts; the test enforces the ceiling while there is one)');
  console.log(row(['entry', 'gzip', 'goal', '', 'ceiling', 'status'], [18, 9, 9, 6, 9, 12]));
  for (const budget of BUDGETS) {
    const gzip = entries.get(budget.file)?.size.gzip;
    if (gzip === undefined) {
      console.log(`  ${budget.file}: not built`);
      continue;
    }
    const status =
      gzip <= budget.goal * KB
        ? 'goal met'
        : gzip <= limitKb(budget) * KB
          ? 'under ceiling'
          : 'OVER BUDGET';
    console.log(
      row(
        [
          budget.file,
          kb(gzip),
          `${budget.goal.toFixed(1)} KB`,
          pct(gzip / (budget.goal * KB)),
          budget.ceiling ? `${budget.ceiling.kb.toFixed(1)} KB` : '—',
          status,
        ],
        [18, 9, 9, 6, 9, 12],
      ) + (budget.ceiling && gzip > budget.goal * KB ? `  (${budget.ceiling.reason})` : ''),
    );
  }

  const quoteEntry = entries.get('quote.js');
  const quote = quoteEntry?.size ?? ZERO;
  const quoteAlone = alone.get('quote') ?? ZERO;
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
    zod: bundles('scripts/contract-checks'),
  };
  for (const [name, size] of probes) {
    const share = bundled[name]
      ? pct(size.gzip / quote.gzip) + ' of the quote entry'
      : 'not in the quote entry';
    console.log(
      `  ${kb(size.gzip).padStart(8)} gzip ${kb(size.raw).padStart(8)} raw  ${PROBES[name]?.what} — ${share}`,
    );
  }
  const deps = Object.keys(PROBES)
    .filter((name) => bundled[name])
    .reduce((sum, name) => sum + (probes.get(name)?.gzip ?? 0), 0);
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
