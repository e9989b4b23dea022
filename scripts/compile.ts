/**
 * The TypeScript half of the packages' build: one workspace's sources compiled to ESM JavaScript
 * and `.d.ts` (or `.d.ts` alone) in its `dist/`. In the repository a workspace imports another by
 * relative path (`../contracts/v1/errors.ts`), so that tests and services run on the sources with
 * no build; published, that path must name the other package (`@tessera/contracts/v1/errors`).
 * The rewrite happens here, on the syntax tree TypeScript emits (JavaScript and declarations), not
 * on the sources and not with a text search: a specifier is rewritten only where it is one.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The publishable workspaces, by folder: what a relative import into each becomes. */
export const WORKSPACES: Readonly<Record<string, string>> = {
  contracts: '@tessera/contracts',
  verify: '@tessera/verify',
  widgets: '@tessera/widgets',
  sdk: '@tessera/node',
};

const TS_EXTENSION = /\.([cm]?)ts$/;

/**
 * What `specifier`, written in `fromFile` of the workspace `dir`, must read in the published
 * files: unchanged for a package, `.js` for a `.ts` file of the same workspace, the other
 * package's name and subpath (`index` is the package itself) for another workspace's file.
 * A relative import that leaves the workspace for anywhere else would ship broken: it throws.
 */
export function publishedSpecifier(fromFile: string, specifier: string, dir: string): string {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
  const target = relative(ROOT, resolve(dirname(fromFile), specifier))
    .split(sep)
    .join('/');
  const [top = '', ...rest] = target.split('/');
  if (top === dir) return specifier.replace(TS_EXTENSION, '.$1js');
  const name = WORKSPACES[top];
  if (!name || rest.length === 0) {
    throw new Error(`${relative(ROOT, fromFile)} imports ${specifier}, outside any package`);
  }
  const subpath = rest.join('/').replace(/(\.d)?\.[cm]?[jt]s$/, '');
  return subpath === 'index' ? name : `${name}/${subpath}`;
}

function rewriteSpecifiers<T extends ts.SourceFile | ts.Bundle>(
  dir: string,
): ts.TransformerFactory<T> {
  return (context) => {
    const { factory } = context;
    return (root: T): T => {
      if (!ts.isSourceFile(root)) return root;
      const file = root.fileName;
      const literal = (node: ts.Expression | undefined) =>
        node && ts.isStringLiteral(node)
          ? factory.createStringLiteral(publishedSpecifier(file, node.text, dir))
          : node;
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isImportDeclaration(node)) {
          return factory.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            literal(node.moduleSpecifier) ?? node.moduleSpecifier,
            node.attributes,
          );
        }
        if (ts.isExportDeclaration(node)) {
          return factory.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            literal(node.moduleSpecifier),
            node.attributes,
          );
        }
        // `import("../contracts/v1/quote.ts").Quote`, which declaration emit writes for an
        // inferred type that no import names.
        if (
          ts.isImportTypeNode(node) &&
          ts.isLiteralTypeNode(node.argument) &&
          ts.isStringLiteral(node.argument.literal)
        ) {
          return factory.updateImportTypeNode(
            node,
            factory.createLiteralTypeNode(
              factory.createStringLiteral(
                publishedSpecifier(file, node.argument.literal.text, dir),
              ),
            ),
            node.attributes,
            node.qualifier,
            node.typeArguments,
            node.isTypeOf,
          );
        }
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
          const [first, ...others] = node.arguments;
          const rewritten = literal(first);
          if (rewritten && rewritten !== first) {
            return factory.updateCallExpression(node, node.expression, node.typeArguments, [
              rewritten,
              ...others,
            ]);
          }
        }
        return ts.visitEachChild(node, visit, context);
      };
      return ts.visitEachChild(root, visit, context);
    };
  };
}

export interface CompileOptions {
  /** The workspace folder under the repository root: `contracts`, `verify`, `widgets`. */
  dir: string;
  /** Its root files, relative to the folder; what they import is compiled along. */
  entries: string[];
  /** Where the workspace's files go, their paths relative to the folder kept. */
  outDir: string;
  /** Declarations only (the JavaScript is bundled by Vite). */
  declarationOnly?: boolean;
  /** `compilerOptions.types` for this package: `['node']` for Node code, none for browser code. */
  types?: string[];
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}

/**
 * Type-checks and emits one workspace with the options of `tsconfig.build.json`. Files of other
 * workspaces that it imports are checked but not written: their package ships them.
 */
export function compileWorkspace(options: CompileOptions): string[] {
  const { dir, entries, outDir, declarationOnly = false, types = [] } = options;
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    { types, emitDeclarationOnly: declarationOnly },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(formatDiagnostics([diagnostic]));
      },
    },
  );
  if (!config) throw new Error('tsconfig.build.json could not be read');
  // Never written to: writeFile below places each file under `outDir`.
  const staging = join(ROOT, '.build');
  const program = ts.createProgram({
    rootNames: entries.map((entry) => join(ROOT, dir, entry)),
    options: { ...config.options, rootDir: ROOT, outDir: staging },
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw new Error(formatDiagnostics(diagnostics));

  rmSync(outDir, { recursive: true, force: true });
  const written: string[] = [];
  const prefix = `${dir}/`;
  const result = program.emit(
    undefined,
    (fileName, text) => {
      const path = relative(staging, fileName).split(sep).join('/');
      if (!path.startsWith(prefix)) return;
      const target = join(outDir, path.slice(prefix.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      written.push(target);
    },
    undefined,
    declarationOnly,
    { before: [rewriteSpecifiers(dir)], afterDeclarations: [rewriteSpecifiers(dir)] },
  );
  if (result.diagnostics.length > 0) throw new Error(formatDiagnostics(result.diagnostics));
  return written;
}
