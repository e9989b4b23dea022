import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';
import { transform as transformCss } from 'lightningcss';
import { minify as terserMinify } from 'terser';
import {
  defineConfig,
  parseSync,
  runnerImport,
  type InlineConfig,
  type Plugin,
  type PluginOption,
} from 'vite';
import { Compilation, compile, isSchema } from './scripts/contract-checks/compile.ts';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

/**
 * What ships to browsers, by output name: `tessera` (every widget, registered on import), one
 * entry per widget, and `headless` (the controllers, no DOM, no Lit). A widget joins once its
 * folder has an `index.ts`.
 */
export function libraryEntries(root = ROOT): Record<string, string> {
  const entries: Record<string, string> = { tessera: 'widgets/index.ts' };
  for (const widget of ['quote', 'onboarding', 'account']) {
    const entry = `widgets/${widget}/index.ts`;
    if (existsSync(`${root}/${entry}`)) entries[widget] = entry;
  }
  entries.headless = 'widgets/headless.ts';
  return entries;
}

/**
 * The builds of the browser library for a page without a bundler (`buildLibrary()` in
 * scripts/build.ts: the bundle benchmark and the CSP test), into one directory:
 *
 * - `tessera.js` on its own: one file with every widget, Lit and the runtime, and each
 *   non-English catalogue a chunk loaded on first use. Built apart from the per-widget entries,
 *   whose shared chunks would split it into ten files (and 7 KB gzip more for an English page).
 * - the per-widget entries, sharing chunks, so that a page importing two of them gets one Lit and
 *   one `configure()`. Not to be mixed with `tessera.js`.
 * - `tessera.iife.js`: `tessera` as one classic script defining the global `Tessera`, catalogues
 *   as classic scripts beside it (an IIFE cannot load chunks).
 * - `headless.js` on its own, one file: it has no Lit and no `configure()` to share, while
 *   sharing its modules cut each widget entry into more files (the quote: five, now two), each
 *   compressed on its own: 1.0–1.3 KB gzip more per entry.
 */
export function libraryBuilds(): LibraryBuild[] {
  const { tessera, headless, ...perWidget } = libraryEntries();
  return [
    { format: 'es', entries: { tessera: tessera ?? 'widgets/index.ts' }, emptyOutDir: true },
    { format: 'es', entries: perWidget, emptyOutDir: false },
    { format: 'iife', entries: { tessera: tessera ?? 'widgets/index.ts' }, emptyOutDir: false },
    { format: 'es', entries: { headless: headless ?? 'widgets/headless.ts' }, emptyOutDir: false },
  ];
}

/** Lit and its packages: dependencies of `@tessera/widgets`, resolved by the app that installs it. */
export const LIT_PACKAGES = /^(lit|lit-html|lit-element|@lit\/[\w-]+)(\/|$)/;

/**
 * Hydration of server-rendered widgets (`@tessera/widgets/hydrate`): an entry of its own, loaded
 * before the widgets only on such pages, so no other page's first paint carries it.
 */
export const HYDRATE_ENTRY = 'widgets/hydrate.ts';

/**
 * The server renderer (`@tessera/widgets/ssr`, Node only), built by Vite like the browser entries
 * rather than compiled by TypeScript: hydration matches each template by a hash of its exact
 * text, so the server must render the templates as `compactTemplates()` left them in the browser.
 * Lit, Lit SSR and Node's own modules stay imports, so the page's elements and the renderer share
 * one Lit.
 */
export function ssrBuild(): LibraryBuild {
  return {
    format: 'es',
    entries: { ssr: 'widgets/ssr/index.ts' },
    ssr: true,
    external: [LIT_PACKAGES, /^@lit-labs\//, /^node:/],
    annotations: true,
  };
}

/**
 * The builds of the `@tessera/widgets` package, into `widgets/dist/`:
 *
 * - every ESM entry (`tessera`, the per-widget entries, `headless`) in one build, sharing chunks,
 *   with Lit left as an import: an app's bundler then has one Lit and one `configure()` however
 *   many entries it imports, `tessera.js` included. The contracts and zod stay bundled: the
 *   widgets ship the few schemas they read, already tree-shaken (see `manualPureFunctions`).
 * - `tessera.iife.js`, the classic script, self-contained as in `libraryBuilds()`.
 */
export function packageBuilds(): LibraryBuild[] {
  const entries = libraryEntries();
  return [
    {
      format: 'es',
      entries: { ...entries, hydrate: HYDRATE_ENTRY },
      emptyOutDir: true,
      external: [LIT_PACKAGES, /^@lit-labs\//],
      annotations: true,
    },
    { format: 'iife', entries: { tessera: entries.tessera ?? 'widgets/index.ts' } },
    ssrBuild(),
  ];
}

/** The tags of Lit's templates, whose indentation is only for us. */
const TEMPLATE_TAGS = new Set(['html', 'css', 'svg']);

interface Node {
  type: string;
  start: number;
  end: number;
}

/** What stands for an interpolation while a `css` template goes through the CSS minifier. */
const CSS_HOLE = 'tessera-hole-';

/**
 * A `css` template minified by Lightning CSS (Vite's own CSS minifier), given as the pieces
 * between its interpolations: they are joined with a placeholder identifier for each (ours are
 * parts of names, `--tessera-${widget}-font`), minified as one style sheet, and split again. No
 * browser targets: nothing is lowered or prefixed. Fails the build should the minifier drop or
 * move an interpolation.
 */
function minifyCss(pieces: string[], id: string): string[] {
  const sheet = pieces.map((piece, i) => (i ? `${CSS_HOLE}${i - 1}` : '') + piece).join('');
  const minified = transformCss({ filename: `${id}.css`, code: Buffer.from(sheet), minify: true });
  const split = minified.code.toString().split(new RegExp(`${CSS_HOLE}(\\d+)`));
  const out = split.filter((_, i) => i % 2 === 0);
  const holes = split.filter((_, i) => i % 2 === 1);
  if (out.length !== pieces.length || holes.some((hole, i) => hole !== String(i))) {
    throw new Error(`${id}: the CSS minifier moved or dropped an interpolation of a css template`);
  }
  return out;
}

/**
 * Markup without its comments (notes to us, as the CSS's are; one wholly inside a piece of the
 * template, as every one of ours is) and with every run of white space that holds a line break
 * made one line break.
 */
function compactMarkup(piece: string): string {
  return piece.replace(/<!--[\s\S]*?-->/g, '').replace(/\s*\n\s*/g, '\n');
}

/**
 * A template's static attribute values of letters, digits, `_` and `-` without their quotes
 * (`part="base"` → `part=base`), which HTML reads alike; a value with an interpolation, or one
 * the tag's `/>` follows, keeps them. Reads the pieces in order as the markup they make, so an
 * attribute after an interpolation is found too, and text (between tags) is never touched.
 */
function unquoteAttributes(pieces: string[]): string[] {
  let inTag = false;
  let quote: string | undefined;
  return pieces.map((piece) => {
    let out = '';
    for (let i = 0; i < piece.length; i++) {
      const c = piece[i] ?? '';
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (!inTag) {
        inTag = c === '<' && /[a-z]/i.test(piece[i + 1] ?? '');
      } else if (c === '>') {
        inTag = false;
      } else if (c === '"' || c === "'") {
        const plain = piece[i - 1] === '=' && /^(["'])([\w-]+)\1(?=[\s>])/.exec(piece.slice(i));
        if (plain) {
          out += plain[2];
          i += plain[0].length - 1;
          continue;
        }
        quote = c;
      }
      out += c;
    }
    return out;
  });
}

/** Each `html`, `css` and `svg` template: its tag and the text between its interpolations. */
function* taggedTemplates(node: unknown): Generator<{ tag: string; pieces: Node[] }> {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const child of node) yield* taggedTemplates(child);
    return;
  }
  const { type, tag, quasi } = node as {
    type?: string;
    tag?: { name?: string };
    quasi?: { quasis: Node[] };
  };
  if (type === 'TaggedTemplateExpression' && TEMPLATE_TAGS.has(tag?.name ?? '') && quasi) {
    // The parser's spans include the delimiters: the opening ` or }, the closing ` or ${.
    const last = quasi.quasis.length - 1;
    const pieces = quasi.quasis.map((piece, i) => ({
      ...piece,
      start: piece.start + 1,
      end: piece.end - (i === last ? 1 : 2),
    }));
    yield { tag: tag?.name ?? '', pieces };
  }
  for (const child of Object.values(node)) yield* taggedTemplates(child);
}

/**
 * Drops the indentation of Lit's `html` templates, which the minifier keeps since a template
 * string is data to it: every run of white space with a line break becomes one line break, which
 * HTML reads alike (no template has `<pre>` or a non-empty `<textarea>`). 1.1 KB gzip (6 KB raw)
 * off the full bundle. `css` templates go through a CSS minifier (`minifyCss`): 0.9 KB gzip more
 * (0.07 KB of it since Lightning CSS replaced a few hand-written rules). Comments in `html`
 * templates go too (`compactMarkup`): 0.1 KB gzip off the quote; and the quotes of plain
 * attribute values (`unquoteAttributes`): 0.04 KB more, 0.09 off `tessera.js`. By hand rather than
 * an HTML minifier: a template's pieces are not whole documents, hydration needs the server's and
 * the browser's templates transformed alike, and these are rewrites HTML provably reads alike
 * (collapsing white space between tags, which can show between inline elements, is left alone).
 */
function compactTemplates(): Plugin {
  return {
    name: 'tessera-compact-templates',
    transform: {
      filter: { id: /\/widgets\/.+\.ts$/ },
      handler(code, id) {
        if (!/\b(html|css|svg)`/.test(code)) return undefined;
        const out = new MagicString(code);
        for (const { tag, pieces } of taggedTemplates(parseSync(id, code).program)) {
          const texts = pieces.map((piece) => code.slice(piece.start, piece.end));
          const compact =
            tag === 'css' ? minifyCss(texts, id) : unquoteAttributes(texts.map(compactMarkup));
          pieces.forEach((piece, i) => {
            const text = compact[i] ?? '';
            if (text === texts[i]) return;
            if (text) out.overwrite(piece.start, piece.end, text);
            else if (piece.end > piece.start) out.remove(piece.start, piece.end);
          });
        }
        return { code: out.toString(), map: out.generateMap({ hires: true, source: id }) };
      },
    },
  };
}

const CHECKS_RUNTIME = `${ROOT}scripts/contract-checks/runtime.ts`;

interface Declaration {
  type: string;
  start: number;
  end: number;
  declaration?: {
    type: string;
    declarations?: { id: { type: string; name?: string }; init?: { start: number; end: number } }[];
  } | null;
}

/**
 * The contracts' schemas as the browser gets them: each exported zod schema of a contracts module
 * is replaced by checks compiled from it (scripts/contract-checks/), which answer `safeParse`
 * alike and cost ≈ 1 KB gzip where zod/mini costs ≈ 7. zod then goes from the bundle by
 * tree-shaking. A schema that does not compile (`Origin`'s refinement) stays zod, unused by the
 * widgets and so shaken off: test/bundle/budgets.test.ts fails should a bundle hold zod again.
 */
function contractChecks(): Plugin {
  return {
    name: 'tessera-contract-checks',
    enforce: 'pre',
    transform: {
      filter: { id: /\/contracts\/v1\/\w+\.ts$/ },
      async handler(code, id) {
        const { module } = await runnerImport<Record<string, unknown>>(id, {
          configFile: false,
          root: ROOT,
          logLevel: 'silent',
        });
        const c = new Compilation();
        const replacements: { start: number; end: number; text: string }[] = [];
        for (const statement of parseSync(id, code).program.body as unknown as Declaration[]) {
          if (statement.type !== 'ExportNamedDeclaration') continue;
          for (const declarator of statement.declaration?.declarations ?? []) {
            const name = declarator.id.name;
            const value = name ? module[name] : undefined;
            if (!declarator.init || !isSchema(value)) continue;
            try {
              replacements.push({
                ...declarator.init,
                text: `/* @__PURE__ */ $schema(${compile(value, c)})`,
              });
            } catch {
              // Stays zod (see above).
            }
          }
        }
        if (!replacements.length) return undefined;
        c.names.add('schema');
        const out = new MagicString(code);
        for (const { start, end, text } of replacements) out.overwrite(start, end, text);
        out.prepend(`${c.prelude(CHECKS_RUNTIME)}\n`);
        return { code: out.toString(), map: out.generateMap({ hires: true, source: id }) };
      },
    },
  };
}

const CLASSIC_CATALOGUES = `${ROOT}widgets/core/classic-catalogues.ts`;
const CATALOGUE_IMPORT = /\bimport\((['"])([^'"]+\.ts)\1\)/g;

/**
 * The classic script's languages (`tessera.iife.js` cannot load chunks): each `import()` of a
 * non-English catalogue becomes `loadCatalogue('<widget>.<language>')`
 * (widgets/core/classic-catalogues.ts), and each such catalogue is written beside the script as
 * `tessera.<widget>.<language>.js`, a classic script registering its exports. 8 KB gzip off the
 * classic script, which inlined all of them.
 */
function classicCatalogues(): Plugin {
  const catalogues = new Map<string, string>();
  return {
    name: 'tessera-classic-catalogues',
    enforce: 'pre',
    transform: {
      filter: { id: /\/widgets\/.+\.ts$/ },
      handler(code, id) {
        const out = new MagicString(code);
        for (const match of code.matchAll(CATALOGUE_IMPORT)) {
          const target = resolve(dirname(id), match[2] ?? '');
          const found = /widgets\/(\w+)\/locales\/(\w+)\.ts$/.exec(target);
          if (!found) continue;
          const key = `${found[1]}.${found[2]}`;
          catalogues.set(key, target);
          out.overwrite(match.index, match.index + match[0].length, `$loadCatalogue('${key}')`);
        }
        if (!out.hasChanged()) return undefined;
        out.prepend(`import { loadCatalogue as $loadCatalogue } from '${CLASSIC_CATALOGUES}';\n`);
        return { code: out.toString(), map: out.generateMap({ hires: true, source: id }) };
      },
    },
    async generateBundle() {
      for (const [key, path] of catalogues) {
        const { module } = await runnerImport<Record<string, unknown>>(path, {
          configFile: false,
          root: ROOT,
          logLevel: 'silent',
        });
        this.emitFile({
          type: 'asset',
          fileName: `tessera.${key}.js`,
          source: `(globalThis.TesseraCatalogues??={})[${JSON.stringify(key)}]=${JSON.stringify({ ...module })};\n`,
        });
      }
    },
  };
}

/**
 * Terser's compressor (three passes, no mangling) over each chunk before the bundler's own
 * minifier (Oxc) mangles and compacts it: terser finds what Oxc leaves (sequences, inlined
 * constants and functions, shorter conditionals). `npm run bench:bundle`: 0.18 KB gzip off the
 * quote, 0.25 off account.js, 0.36 off tessera.js. Tried and left: `build.minify: 'terser'`
 * instead of Oxc (0.3 KB gzip larger), terser after Oxc (the same size, and the source map
 * cannot follow a change made in `generateBundle`), mangling in terser too (no gain). Keeps
 * `#__PURE__` annotations for Oxc and each distinct legal comment once; Rolldown chains the source
 * map.
 */
function terserPass(build: LibraryBuild): Plugin {
  return {
    name: 'tessera-terser-pass',
    async renderChunk(code, chunk) {
      // Each licence once per file: Lit repeats its notice in every module.
      const legal = new Set<string>();
      const result = await terserMinify(code, {
        module: build.format === 'es',
        ecma: 2020,
        compress: { passes: 3 },
        mangle: false,
        format: {
          comments: (_node: unknown, { value }: { value: string }) =>
            /@license|@preserve|^!/.test(value) && !legal.has(value) && !!legal.add(value),
          preserve_annotations: true,
        },
        sourceMap: { asObject: true, filename: chunk.fileName },
      });
      return result.code === undefined ? null : { code: result.code, map: result.map as never };
    },
  };
}

export interface LibraryBuild {
  /**
   * `es`: the entries as ESM, sharing chunks, each non-English catalogue its own chunk.
   * `iife`: the one entry as a classic script defining the global `Tessera`.
   */
  format: 'es' | 'iife';
  entries: Record<string, string>;
  outDir?: string;
  /** Whether to empty `outDir` first (default: no). */
  emptyOutDir?: boolean;
  sourcemap?: boolean;
  plugins?: PluginOption[];
  /** Imports left to whoever loads the output (default: everything bundled). */
  external?: RegExp[];
  /** A Node build (the server renderer): no browser export conditions, a Node target. */
  ssr?: boolean;
  /**
   * Whether to keep the `#__PURE__` annotations, for a bundler that consumes the output and can
   * then drop what it does not use (the package's ESM and the server renderer). Off by default:
   * a file a page loads as it is has no use for them (0.1–0.3 KB gzip per entry, more since the
   * contract checks mark each of their calls).
   */
  annotations?: boolean;
}

/**
 * Shared chunks named for what they hold, not for whichever module came first: `quote.de` (a
 * catalogue), `quote` (a widget's element), `quote.controller` (its headless part, shared with
 * `headless.js`), `elements` (the element base every widget uses, and Lit where it is bundled),
 * `runtime` (the API client, tokens and zod), else the bundler's own name.
 */
function chunkFileName(chunk: {
  name: string;
  facadeModuleId: string | null;
  moduleIds: string[];
}): string {
  const catalogue = /widgets\/(\w+)\/locales\/(\w+)\.ts$/.exec(chunk.facadeModuleId ?? '');
  if (catalogue) return `chunks/${catalogue[1]}.${catalogue[2]}-[hash].js`;
  const has = (pattern: RegExp) => chunk.moduleIds.find((id) => pattern.test(id));
  const element = has(/widgets\/\w+\/tessera-(\w+)\.ts$/);
  const controller = has(/widgets\/\w+\/(\w+)\.controller\.ts$/);
  const name = element
    ? /tessera-(\w+)\.ts$/.exec(element)?.[1]
    : has(/node_modules\/lit-html\/lit-html\.js$/) || has(/widgets\/core\/element\.ts$/)
      ? 'elements'
      : controller
        ? `${/(\w+)\.controller\.ts$/.exec(controller)?.[1]}.controller`
        : has(/node_modules\/zod\//)
          ? 'runtime'
          : undefined;
  return `chunks/${name ?? '[name]'}-[hash].js`;
}

/**
 * One library build. Always production: Lit's `development` export condition is off (no dev-mode
 * warnings or checks) and `process.env.NODE_ENV` reads `"production"`. Fully minified, keeping the
 * `#__PURE__` annotations where a bundler consumes the output (`annotations`) and
 * the dependencies' `@license` comments (0.2 KB gzip).
 */
export function libraryConfig(build: LibraryBuild): InlineConfig {
  const { format, entries, outDir = 'dist', sourcemap = true } = build;
  return {
    root: ROOT,
    configFile: false,
    plugins: [
      contractChecks(),
      compactTemplates(),
      ...(format === 'iife' ? [classicCatalogues()] : []),
      ...(build.plugins ?? []),
      terserPass(build),
    ],
    logLevel: 'warn',
    mode: 'production',
    define: { 'process.env.NODE_ENV': '"production"' },
    resolve: {
      conditions: build.ssr ? ['node', 'production'] : ['module', 'browser', 'production'],
    },
    build: {
      ...(build.ssr ? { ssr: true } : {}),
      target: build.ssr ? 'node20' : 'es2022',
      outDir,
      emptyOutDir: build.emptyOutDir ?? false,
      sourcemap,
      copyPublicDir: false,
      reportCompressedSize: false,
      lib:
        format === 'es'
          ? { entry: entries, formats: ['es'], fileName: (_format, name) => `${name}.js` }
          : {
              entry: entries,
              formats: ['iife'],
              name: 'Tessera',
              fileName: (_format, name) => `${name}.iife.js`,
            },
      rolldownOptions: {
        ...(build.external ? { external: build.external } : {}),
        // Its note that plugins took most of the build: the terser pass does, knowingly.
        checks: { bundlerTimings: false },
        // A contracts module's unused schemas (`z.string().check(…)` at top level) are calls to the
        // bundler, kept in case they have effects; they have none, so the widgets do not carry
        // every schema of a file they import one from (0.4 KB gzip off each bundle). Never call
        // `z.config()` or the like for its effect through a namespace named `z`: it would go too.
        treeshake: { manualPureFunctions: ['z'] },
        output: {
          minify: true,
          comments: { annotation: build.annotations ?? false, jsdoc: false, legal: true },
          ...(format === 'es' ? { chunkFileNames: chunkFileName } : {}),
        },
      },
    },
  };
}

// `npm run build` (scripts/build.ts) runs `packageBuilds()` and the type declarations into
// widgets/dist; `vite build` alone makes the self-contained `tessera.js` of `libraryBuilds()`,
// `--mode entries` its per-widget entries and `--mode iife` `tessera.iife.js` (into dist/).
export default defineConfig(({ mode }) => {
  const [bundle, perWidget, iife] = libraryBuilds();
  const build = mode === 'iife' ? iife : mode === 'entries' ? perWidget : bundle;
  if (!build) throw new Error('libraryBuilds() lost a build');
  return libraryConfig(build);
});
