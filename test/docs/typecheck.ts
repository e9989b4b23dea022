/**
 * One TypeScript program over every TypeScript sample (ts, tsx, and the `<script setup>` of Vue
 * single-file components): `tessera`, `tessera/headless`, `tessera/verify` and `@tessera/node`
 * resolve to the real sources, React, Vue, Angular and `@vitejs/plugin-vue` to the small
 * stand-ins in ./stubs (the frameworks are not dependencies of this repository), and the context
 * names of ./context.ts are declared. A Vue template and an Angular template string are not
 * checked.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { CONTEXT_DECLARATIONS } from './context.ts';
import type { Sample } from './markdown.ts';
import { ROOT, SOURCE_PACKAGES } from './stack.ts';

const STUBS = join(ROOT, 'test/docs/stubs');
const VIRTUAL = join(ROOT, '.tessera/doc-samples-typecheck');

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  jsx: ts.JsxEmit.ReactJSX,
  types: ['node'],
  paths: {
    tessera: [join(ROOT, 'widgets/index.ts')],
    'tessera/headless': [join(ROOT, 'widgets/headless.ts')],
    'tessera/quote': [join(ROOT, 'widgets/quote/index.ts')],
    'tessera/verify': [join(ROOT, 'verify/index.ts')],
    ...Object.fromEntries(Object.entries(SOURCE_PACKAGES).map(([name, path]) => [name, [path]])),
    react: [join(STUBS, 'react.d.ts')],
    'react/jsx-runtime': [join(STUBS, 'react-jsx-runtime.d.ts')],
    vue: [join(STUBS, 'vue.d.ts')],
    '@vitejs/plugin-vue': [join(STUBS, 'vitejs-plugin-vue.d.ts')],
    '@angular/core': [join(STUBS, 'angular-core.d.ts')],
  },
};

/** The compiler macros of `<script setup>`, which Vue declares globally. */
const VUE_MACROS = `
declare global {
  function defineProps<T>(): Readonly<T>;
  function defineEmits<T extends Record<string, unknown[]>>(): <K extends keyof T & string>(
    event: K,
    ...args: T[K]
  ) => void;
}
export {};
`;

/** The TypeScript a sample contributes, or null when it has none (a Vue SFC without `lang="ts"`). */
export function typescriptOf(sample: Sample): { code: string; ext: 'ts' | 'tsx' } | null {
  if (sample.lang === 'vue') {
    const script = /<script\s+setup\s+lang="ts"\s*>([\s\S]*?)<\/script>/.exec(sample.code);
    if (!script) return null;
    if (!/<template>[\s\S]*<\/template>/.test(sample.code)) return null;
    return { code: script[1]!, ext: 'ts' };
  }
  if (sample.lang === 'tsx') return { code: sample.code, ext: 'tsx' };
  if (sample.lang === 'ts') return { code: sample.code, ext: 'ts' };
  return null;
}

/** Type-checks the samples together; returns each sample's diagnostics, keyed by the sample. */
export function typecheckSamples(samples: Sample[]): Map<Sample, string[]> {
  const files = new Map<string, string>();
  const owners = new Map<string, Sample>();
  samples.forEach((sample, index) => {
    const source = typescriptOf(sample);
    if (!source) return;
    // Named samples of one page sit side by side, so one can import another (`./use-quote`).
    const name = sample.fileName
      ? join(VIRTUAL, sample.file.replace(/[^\w]+/g, '-'), sample.fileName)
      : join(VIRTUAL, sample.file.replace(/[^\w]+/g, '-'), `sample-${index}.${source.ext}`);
    // `export {}` makes every sample a module, so its names never collide with another's.
    files.set(name, `${source.code}\nexport {};\n`);
    owners.set(name, sample);
  });
  files.set(join(VIRTUAL, 'context.d.ts'), CONTEXT_DECLARATIONS);
  files.set(join(VIRTUAL, 'vue-macros.d.ts'), VUE_MACROS);

  const host = ts.createCompilerHost(OPTIONS);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const directoryExists = host.directoryExists?.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.directoryExists = (name) =>
    [...files.keys()].some((file) => file.startsWith(`${name}/`)) ||
    (directoryExists?.(name) ?? false);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile(name, language, onError, create)
      : ts.createSourceFile(name, text, language, true);
  };

  const program = ts.createProgram([...files.keys()], OPTIONS, host);
  const result = new Map<Sample, string[]>([...owners.values()].map((s) => [s, []]));
  const format = (d: ts.Diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `line ${line + 1}:${character + 1} TS${d.code}: ${message}`;
  };
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const owner = diagnostic.file ? owners.get(diagnostic.file.fileName) : undefined;
    if (owner) result.get(owner)!.push(format(diagnostic));
    else if (
      !diagnostic.file ||
      files.has(diagnostic.file.fileName) ||
      diagnostic.file.fileName.startsWith(STUBS)
    )
      throw new Error(`the sample type check itself is broken: ${format(diagnostic)}`);
  }
  return result;
}
