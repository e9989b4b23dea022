import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import type { Rolldown } from 'vite';
import { buildLibrary, type LibraryOutput } from '../../scripts/build.ts';

export const KB = 1024;

export interface Size {
  raw: number;
  gzip: number;
}

export const ZERO: Size = { raw: 0, gzip: 0 };
const add = (a: Size, b: Size): Size => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip });

/** A file as a server sends it: gzip at zlib level 9, and its raw bytes. */
export async function sizeOf(path: string): Promise<Size> {
  const bytes = await readFile(path);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length,
  };
}

export type Chunks = Map<string, Rolldown.OutputChunk>;

export function chunksOf(output: Rolldown.RolldownOutput): Chunks {
  return new Map(
    output.output.flatMap((item) =>
      item.type === 'chunk' ? [[item.fileName, item] as const] : [],
    ),
  );
}

/** The files an entry loads before it runs (static imports, transitively), in load order. */
export function staticClosure(entry: string, chunks: Chunks): string[] {
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
export function lazyChunks(files: string[], chunks: Chunks): string[] {
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

export interface EntrySize {
  /** `tessera.js`, `quote.js`, … `tessera.iife.js`. */
  file: string;
  name: string;
  format: 'es' | 'iife';
  /** The entry and every chunk it imports statically: what an English page loads. */
  size: Size;
  files: string[];
  /** What it may load later (other languages' catalogues, lazy parts), by file. */
  lazy: string[];
  chunks: Chunks;
}

export interface LibrarySizes {
  library: LibraryOutput;
  entries: Map<string, EntrySize>;
  /** Every file written, by name. */
  sizes: Map<string, Size>;
}

/** Builds the browser library (`buildLibrary()`) into `outDir` and measures every entry. */
export async function measureLibrary(outDir: string): Promise<LibrarySizes> {
  const library = await buildLibrary({ outDir, sourcemap: false });
  const sizes = new Map<string, Size>();
  for (const { output } of library.outputs) {
    for (const item of output.output)
      sizes.set(item.fileName, await sizeOf(join(outDir, item.fileName)));
  }
  const total = (files: string[]) =>
    files.reduce((sum, file) => add(sum, sizes.get(file) ?? ZERO), ZERO);
  const entries = new Map<string, EntrySize>();
  for (const { build, output } of library.outputs) {
    const chunks = chunksOf(output);
    for (const entry of [...chunks.values()].filter((chunk) => chunk.isEntry)) {
      const files = staticClosure(entry.fileName, chunks);
      entries.set(entry.fileName, {
        file: entry.fileName,
        name: entry.name,
        format: build.format,
        size: total(files),
        files,
        // The classic script loads each language's catalogues as scripts of their own.
        lazy:
          build.format === 'iife'
            ? output.output
                .map((item) => item.fileName)
                .filter((name) => /^tessera\.\w+\.\w+\.js$/.test(name))
            : lazyChunks(files, chunks),
        chunks,
      });
    }
  }
  return { library, entries, sizes };
}
