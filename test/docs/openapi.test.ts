import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import {
  ERROR_CATALOGUE,
  ERROR_CODES,
  PARTNER_SCOPES,
  SCOPES,
  SIMULATIONS,
  coreApiRoutes,
  openApiPath,
  routeErrorCodes,
  type ErrorCode,
} from '../../contracts/index.ts';
import { renderOpenApi } from '../../scripts/openapi.ts';

type Node = Record<string, unknown>;

const FILE = new URL('../../docs/api/openapi.json', import.meta.url);
const onDisk = readFileSync(FILE, 'utf8');
const doc = JSON.parse(onDisk) as Node;

/** Every route of the contracts' table, as the document writes it. */
const ROUTES: [method: string, path: string, scope: string | null][] = coreApiRoutes().map(
  (route) => [
    route.method.toLowerCase(),
    openApiPath(route.path),
    route.auth === false ? null : (route.auth.scopes[0] ?? null),
  ],
);
/** The routes a token needs one of several scopes for, by `method path`. */
const anyScopeOf = new Map(
  coreApiRoutes().map((route) => [
    `${route.method.toLowerCase()} ${openApiPath(route.path)}`,
    route.auth === false || route.auth.kind === 'partner' ? [] : (route.auth.anyScope ?? []),
  ]),
);
/** Partner-API routes, by `method path`: a partner token from the client-credentials flow. */
const partnerRoutes = new Set(
  coreApiRoutes()
    .filter((route) => route.auth !== false && route.auth.kind === 'partner')
    .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`),
);
const noToken = new Set(
  coreApiRoutes()
    .filter((route) => route.auth === false)
    .map((route) => openApiPath(route.path)),
);

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every object in the document, with its JSON-pointer-ish location for messages. */
function* walk(value: unknown, at = '#'): Generator<[Node, string]> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* walk(item, `${at}/${index}`);
  } else if (isNode(value)) {
    yield [value, at];
    for (const [key, child] of Object.entries(value)) yield* walk(child, `${at}/${key}`);
  }
}

function resolve(pointer: string): unknown {
  assert.ok(pointer.startsWith('#/'), `only local references: ${pointer}`);
  let here: unknown = doc;
  for (const raw of pointer.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    here = isNode(here) ? here[key] : undefined;
    if (here === undefined) return undefined;
  }
  return here;
}

/** Follows a `$ref` (one level, as components here never chain). */
const deref = (value: unknown): Node => {
  const node = isNode(value) && typeof value.$ref === 'string' ? resolve(value.$ref) : value;
  assert.ok(isNode(node));
  return node;
};

const operation = (method: string, path: string): Node => {
  const item = (doc.paths as Record<string, Node | undefined>)[path];
  assert.ok(item, `path ${path} is missing`);
  const op = item[method];
  assert.ok(isNode(op), `${method.toUpperCase()} ${path} is missing`);
  return op;
};

const isCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);

describe('docs/api/openapi.json', () => {
  it('matches what scripts/openapi.ts generates from contracts/ (run `npm run docs` after changing the contracts)', async () => {
    assert.equal(
      onDisk,
      await renderOpenApi(),
      'docs/api/openapi.json is stale: run `npm run docs`',
    );
  });

  it('is an OpenAPI 3.1 document with info, paths and components', () => {
    assert.match(String(doc.openapi), /^3\.1\.\d+$/);
    assert.ok(isNode(doc.info) && typeof doc.info.title === 'string');
    assert.equal(typeof doc.info.version, 'string');
    assert.ok(isNode(doc.paths));
    assert.ok(isNode(doc.components));
    for (const path of Object.keys(doc.paths)) assert.match(path, /^\//);
  });

  it('resolves every $ref inside the document', () => {
    let count = 0;
    for (const [node, at] of walk(doc)) {
      if (typeof node.$ref !== 'string') continue;
      count++;
      assert.notEqual(resolve(node.$ref), undefined, `${at}: ${node.$ref} does not resolve`);
    }
    assert.ok(count > 50, `expected the document to share its components by $ref (${count})`);
  });

  it('passes swagger-parser validation (OpenAPI 3.1 schema and references)', async () => {
    const api = await SwaggerParser.validate(fileURLToPath(FILE));
    assert.equal(api.info.title, 'Tessera core API');
  });

  it('has exactly the routes of the contracts table, each under its own operationId', () => {
    const documented = Object.entries(doc.paths as Record<string, Node>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    assert.deepEqual(documented.sort(), ROUTES.map(([method, path]) => `${method} ${path}`).sort());
    for (const route of coreApiRoutes())
      assert.equal(
        operation(route.method.toLowerCase(), openApiPath(route.path)).operationId,
        route.id,
      );
  });

  it('has every route with its method, scope and unique operationId', () => {
    const ids = new Set<string>();
    for (const [method, path, scope] of ROUTES) {
      const op = operation(method, path);
      assert.equal(typeof op.operationId, 'string');
      assert.ok(
        !ids.has(op.operationId as string),
        `duplicate operationId ${String(op.operationId)}`,
      );
      ids.add(op.operationId as string);
      assert.equal(op['x-required-scope'], scope ?? undefined, `${method} ${path} scope`);
      assert.ok(isNode(op.responses) && Object.keys(op.responses).length > 0);
    }
  });

  it('names, for every scoped operation, the same scope in x-required-scope and its security requirements', () => {
    const schemes = Object.keys((doc.components as Node).securitySchemes as Node);
    assert.deepEqual(schemes.sort(), ['BearerToken', 'DPoPToken', 'PartnerToken']);
    const partnerScheme = (doc.components as Node).securitySchemes as Node;
    const flow = ((partnerScheme.PartnerToken as Node).flows as Node).clientCredentials as Node;
    assert.match(String(flow.tokenUrl), /\/oauth\/token$/);
    assert.deepEqual(Object.keys(flow.scopes as Node), [...PARTNER_SCOPES]);
    for (const [method, path, scope] of ROUTES) {
      const op = operation(method, path);
      const security = op.security as Record<string, string[]>[];
      if (noToken.has(path)) {
        assert.deepEqual(security, [], `${path} needs no token`);
        continue;
      }
      if (partnerRoutes.has(`${method} ${path}`)) {
        assert.ok(scope !== null && (PARTNER_SCOPES as readonly string[]).includes(scope), path);
        assert.deepEqual(security, [{ PartnerToken: [scope] }], `${method} ${path}`);
        assert.equal(op['x-required-scope'], scope);
        continue;
      }
      assert.ok(scope === null || (SCOPES as readonly string[]).includes(scope));
      const anyScope = (op['x-any-scope'] ?? []) as string[];
      assert.deepEqual(anyScope, [...(anyScopeOf.get(`${method} ${path}`) ?? [])]);
      assert.equal(
        security.length,
        2 * Math.max(1, anyScope.length),
        `${method} ${path}: Bearer or DPoP, for each scope of which one is enough`,
      );
      for (const [index, requirement] of security.entries()) {
        for (const [name, scopes] of Object.entries(requirement)) {
          assert.ok(schemes.includes(name), name);
          const one: string | undefined = anyScope[Math.floor(index / 2)];
          assert.deepEqual(scopes, one ? [one] : scope ? [scope] : []);
        }
      }
    }
  });

  it('requires Idempotency-Key on every POST and PATCH, and If-Match on every PATCH', () => {
    for (const [method, path] of ROUTES) {
      const parameters = ((operation(method, path).parameters ?? []) as unknown[]).map(deref);
      const header = (name: string) => parameters.find((p) => p.in === 'header' && p.name === name);
      if (method === 'post' || method === 'patch')
        assert.equal(header('Idempotency-Key')?.required, true, `${method} ${path}`);
      if (method === 'patch') assert.equal(header('If-Match')?.required, true, `${method} ${path}`);
      if (path.startsWith('/v1/')) {
        // A partner's backend has no widget session: partner routes do not take X-Tessera-Session.
        const names = partnerRoutes.has(`${method} ${path}`)
          ? ['X-Request-Id', 'Tessera-Simulate']
          : ['X-Request-Id', 'X-Tessera-Session', 'Tessera-Simulate'];
        for (const name of names) assert.ok(header(name), `${method} ${path} documents ${name}`);
      }
    }
    const simulate = deref({ $ref: '#/components/parameters/TesseraSimulate' });
    assert.deepEqual((simulate.schema as Node).enum, SIMULATIONS);
  });

  it('answers an ETag with every resource', () => {
    for (const [method, path] of ROUTES.filter(([, p]) => /quotes|onboarding|accounts/.test(p))) {
      const responses = operation(method, path).responses as Record<string, Node>;
      const ok = responses['200'] ?? responses['201'];
      assert.ok(ok && isNode(ok.headers) && ok.headers.ETag, `${method} ${path} answers ETag`);
    }
  });

  it("lists each route's error codes as the table derives them", () => {
    for (const route of coreApiRoutes()) {
      const op = operation(route.method.toLowerCase(), openApiPath(route.path));
      assert.deepEqual(op['x-error-codes'] ?? [], routeErrorCodes(route), route.id);
    }
  });

  it('lists only catalogue codes in x-error-codes, each under the status the catalogue gives it', () => {
    let lists = 0;
    for (const [node, at] of walk(doc)) {
      const codes = node['x-error-codes'];
      if (codes === undefined) continue;
      lists++;
      assert.ok(Array.isArray(codes), at);
      for (const code of codes)
        assert.ok(isCode(code), `${at}: ${String(code)} is not in the catalogue`);
    }
    assert.ok(lists > 0);

    for (const [method, path] of ROUTES) {
      const op = operation(method, path);
      const responses = op.responses as Record<string, Node>;
      const listed = (op['x-error-codes'] ?? []) as ErrorCode[];
      for (const code of listed) {
        const response = responses[String(ERROR_CATALOGUE[code].status)];
        assert.ok(response, `${method} ${path}: no response for ${code}`);
        assert.ok(
          (response['x-error-codes'] as string[]).includes(code),
          `${method} ${path} ${code}`,
        );
      }
      if (path.startsWith('/v1/')) {
        assert.ok(listed.includes('token_missing'), `${method} ${path} can answer token_missing`);
        assert.equal(
          listed.includes('insufficient_scope'),
          op['x-required-scope'] !== undefined || op['x-any-scope'] !== undefined,
          `${method} ${path}`,
        );
      }
    }
    const codes = (path: string, method: string) =>
      operation(method, path)['x-error-codes'] as string[];
    assert.ok(codes('/v1/quotes/{id}/accept', 'post').includes('quote_expired'));
    assert.ok(codes('/v1/accounts/{id}', 'patch').includes('precondition_required'));
    assert.ok(codes('/v1/onboarding/{id}/submit', 'post').includes('onboarding_incomplete'));
  });

  it('makes every error response of an operation reference the one ErrorEnvelope component', () => {
    for (const [method, path] of ROUTES) {
      const responses = operation(method, path).responses as Record<string, Node>;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400 || response['x-error-codes'] === undefined) continue;
        const schema = ((response.content as Node)['application/json'] as Node).schema as Node;
        assert.deepEqual(
          schema,
          { $ref: '#/components/schemas/ErrorEnvelope' },
          `${path} ${status}`,
        );
      }
    }
  });

  it('has every catalogue code, and only those, in the ErrorEnvelope code enum', () => {
    const envelope = deref({ $ref: '#/components/schemas/ErrorEnvelope' });
    const error = (envelope.properties as Node).error as Node;
    const code = (error.properties as Node).code as Node;
    assert.deepEqual(code.enum, ERROR_CODES);
  });

  it('has the contract components', () => {
    const schemas = (doc.components as Node).schemas as Node;
    for (const name of [
      'Account',
      'AccountUpdate',
      'Quote',
      'QuoteAccept',
      'QuoteDecline',
      'OnboardingApplication',
      'OnboardingPatch',
      'Country',
      'Currency',
      'ErrorEnvelope',
      'DomainEvent',
    ])
      assert.ok(isNode(schemas[name]), name);
    const event = schemas.DomainEvent as Node;
    assert.deepEqual(((event.properties as Node).type as Node).enum, [
      'quote.accepted',
      'quote.declined',
      'onboarding.submitted',
      'account.updated',
    ]);
  });
});
