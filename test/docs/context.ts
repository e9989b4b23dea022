/**
 * The partner's own code a fragment may lean on without defining it, as the docs write "your
 * function": `fetchToken`, `sessionId`, `render`, `analytics` in the browser, `verifier` and
 * `token` in Node. A fragment that uses one of these names without declaring it gets a working
 * definition prepended; every other free name is an error, as it would be for a reader.
 */
import ts from 'typescript';

/** Names a module declares at its top level (imports, variables, functions, classes). */
export function topLevelNames(code: string): Set<string> {
  const source = ts.createSourceFile(
    'sample.tsx',
    code,
    ts.ScriptTarget.ES2022,
    false,
    ts.ScriptKind.TSX,
  );
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else
      for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

const BROWSER_CONTEXT: Record<string, string> = {
  sessionId: 'const sessionId = __createSessionId();',
  fetchToken: `const fetchToken = async ({ sessionId }) => {
  const response = await fetch('/api/widget-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session_id: sessionId }),
  });
  return response.json();
};`,
  render: 'const render = (state) => { __context.renders.push(state); };',
  analytics: 'const analytics = { track: (...args) => { __context.tracked.push(args); } };',
};

const NODE_CONTEXT: Record<string, string> = {
  verifier: `const verifier = __createVerifier({
  issuer: process.env.TESSERA_URL!,
  audience: 'tessera-core-api',
  jwksUrl: process.env.TESSERA_URL + '/.well-known/jwks.json',
});`,
  token: 'const token = process.env.TOKEN!;',
};

/** Context names `code` uses but does not declare. */
function freeContextNames(code: string, context: Record<string, string>): string[] {
  const declared = topLevelNames(code);
  return Object.keys(context).filter(
    (name) => !declared.has(name) && new RegExp(`\\b${name}\\b`).test(code),
  );
}

/** What a browser sample needs prepended; `__context` collects what `render`/`analytics` saw. */
export function browserPrelude(code: string): { prelude: string; names: string[] } {
  const names = freeContextNames(code, BROWSER_CONTEXT);
  const lines = [
    "import { createSessionId as __createSessionId } from 'tessera/headless';",
    'const __context = (window.__sampleContext = { renders: [], tracked: [] });',
    ...names.map((name) => BROWSER_CONTEXT[name]!),
  ];
  return { prelude: lines.join('\n') + '\n', names };
}

export function nodePrelude(code: string): { prelude: string; names: string[] } {
  const names = freeContextNames(code, NODE_CONTEXT);
  const lines = [
    "import { createVerifier as __createVerifier } from 'tessera/verify';",
    ...names.map((name) => NODE_CONTEXT[name]!),
  ];
  return { prelude: lines.join('\n') + '\n', names };
}

/** The same names as ambient declarations, for the type check. */
export const CONTEXT_DECLARATIONS = `
import type { FetchToken } from 'tessera';
import type { Verifier } from 'tessera/verify';
declare global {
  const sessionId: string;
  const fetchToken: FetchToken;
  const render: (state: unknown) => void;
  const analytics: { track(name: string, data?: unknown): void };
  const verifier: Verifier;
  const token: string;
}
export {};
`;
