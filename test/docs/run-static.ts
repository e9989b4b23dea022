/**
 * Blocks that are data rather than programs: JSON must parse (and an error example must be a
 * valid envelope with a catalogued code), HTTP header blocks must be header lines, SQL runs
 * against the token service's and the core API's schemas in a scratch database (rolled back),
 * and CSS must name only parts and custom properties the widgets have.
 */
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { ErrorEnvelope } from '../../contracts/index.ts';
import { CORE_MIGRATIONS } from '../../core-api/store/migrations.ts';
import { MIGRATIONS } from '../../token-service/store/migrations.ts';
import { globalTokens, widgetApis } from './widget-api.ts';

export function checkJson(code: string): void {
  const parsed: unknown = JSON.parse(code);
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
    const envelope = ErrorEnvelope.safeParse(parsed);
    assert.ok(envelope.success, `not an error envelope: ${JSON.stringify(envelope.error?.issues)}`);
  }
}

export function checkHttp(code: string): void {
  for (const line of code.split('\n').filter((l) => l.trim())) {
    assert.match(line, /^[A-Za-z][A-Za-z0-9-]*: \S.*$/, `not a header line: ${line}`);
  }
}

let scratch: Promise<PGlite> | undefined;

/** One in-memory database with both services' schemas. */
function scratchDatabase(): Promise<PGlite> {
  scratch ??= (async () => {
    const db = new PGlite();
    for (const migration of [...MIGRATIONS, ...CORE_MIGRATIONS]) await db.exec(migration.sql);
    return db;
  })();
  return scratch;
}

export async function checkSql(code: string): Promise<void> {
  const db = await scratchDatabase();
  await db.exec('BEGIN');
  try {
    await db.exec(code);
  } finally {
    await db.exec('ROLLBACK');
  }
}

export async function closeScratchDatabase(): Promise<void> {
  if (scratch) await (await scratch).close();
  scratch = undefined;
}

/** Every `tessera-x::part(y)` and `--tessera-*` name in the CSS must exist. */
export function checkCssNames(code: string): void {
  const apis = new Map(widgetApis().map((api) => [api.tag, api]));
  const tokens = new Set(globalTokens());
  const problems: string[] = [];
  for (const match of code.matchAll(/(tessera-[a-z]+)::part\(([\w-]+)\)/g)) {
    const api = apis.get(match[1]!);
    if (!api) problems.push(`no widget <${match[1]}>`);
    else if (!api.parts.has(match[2]!)) problems.push(`<${match[1]}> has no part "${match[2]}"`);
  }
  for (const match of code.matchAll(/--tessera-[a-z][a-z-]*/g)) {
    const name = match[0];
    const known = tokens.has(name) || [...apis.values()].some((api) => api.properties.has(name));
    if (!known) problems.push(`no custom property ${name}`);
  }
  assert.deepEqual(problems, []);
}

/** Top-level rules in the CSS, for comparing with what the browser parsed. */
export function countRules(code: string): number {
  let depth = 0;
  let rules = 0;
  for (const char of code.replace(/\/\*[\s\S]*?\*\//g, '')) {
    if (char === '{' && depth++ === 0) rules++;
    if (char === '}') depth--;
  }
  return rules;
}

const DIAGRAMS = ['sequenceDiagram', 'flowchart', 'graph', 'classDiagram', 'stateDiagram-v2'];

/** A Mermaid diagram of a known type; in a sequence diagram, every arrow joins declared parties. */
export function checkMermaid(code: string): void {
  const lines = code
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const type = lines[0]?.split(/\s/)[0] ?? '';
  assert.ok(DIAGRAMS.includes(type), `not a Mermaid diagram type: ${type}`);
  if (type !== 'sequenceDiagram') return;
  const declared = new Set(
    lines.flatMap((line) => /^(?:participant|actor)\s+(\w+)/.exec(line)?.slice(1) ?? []),
  );
  for (const line of lines) {
    const arrow = /^(\w+)\s*-{1,2}>{1,2}[+-]?\s*(\w+)\s*:/.exec(line);
    if (!arrow) continue;
    for (const party of arrow.slice(1))
      assert.ok(declared.has(party), `"${party}" is used before it is declared: ${line}`);
  }
}
