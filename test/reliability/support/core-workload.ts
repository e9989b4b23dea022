import { randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import pg from 'pg';
import type { Scope } from '../../../contracts/index.ts';
import { seedDemo } from '../../../core-api/seed.ts';
import type { CoreStore } from '../../../core-api/store/types.ts';
import { randomAlnum } from '../../../service-kit/ids.ts';
import { ORIGIN, mint, sleep } from './processes.ts';

export interface LoadAccount {
  id: string;
  token: string;
  onboardingId: string;
  /** Open quotes the load accepts, one key each. */
  quotes: string[];
}

const SCOPES: Scope[] = [
  'quote:read',
  'quote:accept',
  'onboarding:read',
  'onboarding:write',
  'account:read',
];

/**
 * Demo accounts for the load: each with `quotesPerAccount` open quotes and an onboarding
 * application whose every step is filled in (ready to submit), and a token for its customer.
 */
export async function seedLoadAccounts(
  store: CoreStore,
  tokenService: { url: string },
  partner: { id: string; secret: string },
  count: number,
  quotesPerAccount: number,
): Promise<LoadAccount[]> {
  const accounts: LoadAccount[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, () =>
        seedDemo(store, { partnerId: partner.id }),
      ),
    );
    for (const seeded of batch)
      accounts.push({
        id: seeded.account_id,
        token: '',
        onboardingId: seeded.onboarding_id,
        quotes: [seeded.quotes.open],
      });
  }
  await store.transaction(async (repo) => {
    for (const account of accounts) {
      const open = await repo.getQuote(account.quotes[0]!);
      if (!open) throw new Error('seeded quote vanished');
      for (let j = 1; j < quotesPerAccount; j++) {
        const id = `qt_${randomAlnum(16)}`;
        await repo.insertQuote({ ...open, id, number: `${open.number}-${j}` });
        account.quotes.push(id);
      }
      const application = await repo.getOnboarding(account.onboardingId);
      if (!application) throw new Error('seeded application vanished');
      await repo.updateOnboarding({
        ...application,
        values: {
          ...application.values,
          contact: { name: 'Erika Muster', email: 'erika@muster.example', phone: '+4930123456' },
          billing: {
            address: {
              line1: 'Unter den Linden 1',
              city: 'Berlin',
              postal_code: '10117',
              country: 'DE',
              region: 'DE-BE',
            },
            billing_email: 'billing@muster.example',
            currency: 'EUR',
          },
          review: { accept_terms: true },
        },
        steps: application.steps.map((step) => ({ ...step, complete: true })),
        current_step: 'review',
        version: application.version + 1,
      });
    }
  });
  for (let i = 0; i < accounts.length; i += 20) {
    await Promise.all(
      accounts.slice(i, i + 20).map(async (account) => {
        const minted = await mint(tokenService, partner.secret, account.id, SCOPES);
        if (!minted.token) throw new Error(`mint answered ${minted.status} ${minted.code}`);
        account.token = minted.token;
      }),
    );
  }
  return accounts;
}

const ACCEPT_BODY = JSON.stringify({
  signer_name: 'Lena Schäfer',
  signer_email: 'lena.schaefer@nordlicht-analytics.example',
  accept_terms: true,
});

type Kind = 'accept' | 'submit' | 'stale-accept' | 'read' | 'events';

interface Outcome {
  status: number;
  code: string | undefined;
  /** Kept for successful writes only: replays must be byte for byte the first answer. */
  body: string;
  replayed: boolean;
}

interface Action {
  kind: Kind;
  account: LoadAccount;
  method: 'GET' | 'POST';
  path: string;
  /** The quote or application a write is about. */
  target: string;
  key?: string;
  body?: string;
  outcomes: Outcome[];
  /** For reads: an accept of this quote had been answered 200 before the read was sent. */
  acceptedBefore?: boolean;
}

export interface WorkloadOptions {
  /** Accept `503 service_unavailable` as an answer (a database fault is under way). */
  allowUnavailable?: boolean;
  /** Requests sent per write, at once, with one idempotency key. */
  twins?: number;
  /** Writes answered 503 and waiting to be sent again before no new write is started. */
  maxPendingRetries?: number;
}

/**
 * The core API's traffic as partners' widgets make it, for autocannon: quote accepts and
 * onboarding submits, each fired `twins` times at once with one idempotency key (a double click,
 * a client retry racing the original); later the same accepts again (a retry after a lost answer:
 * must replay) and with a fresh key (a new attempt: must be refused as `quote_not_open`); reads
 * of quotes (must show an accept answered earlier); reads of the event feed. Writes answered
 * 503 are sent again with their key, as a client retries a retryable error.
 *
 * Every answer is checked as it arrives; `settle()` then resolves writes left without an
 * answer, and `verify()` compares what the clients were told with the database and the feed.
 */
export class CoreWorkload {
  readonly failures: string[] = [];
  readonly statuses = new Map<number, number>();
  /** Called with every answer's status, for timelines. */
  observer: ((status: number) => void) | undefined;
  readonly #accounts: LoadAccount[];
  readonly #options: Required<WorkloadOptions>;
  readonly #fresh: { account: LoadAccount; quote: string }[] = [];
  readonly #freshSubmits: LoadAccount[];
  readonly #keyed: Action[] = [];
  readonly #confirmed: Action[] = [];
  readonly #confirmedAt = new Set<string>();
  readonly #retries: { action: Action; due: number }[] = [];
  readonly #queue: Action[] = [];
  #batch = 0;
  #unavailable = 0;

  constructor(accounts: LoadAccount[], options: WorkloadOptions = {}) {
    this.#accounts = accounts;
    this.#options = {
      allowUnavailable: false,
      twins: 3,
      maxPendingRetries: 200,
      ...options,
    };
    // Quote j of every account before quote j + 1 of any: the load spreads over customers.
    const depth = Math.max(...accounts.map((account) => account.quotes.length));
    for (let j = depth - 1; j >= 0; j--)
      for (const account of accounts) {
        const quote = account.quotes[j];
        if (quote) this.#fresh.push({ account, quote });
      }
    this.#freshSubmits = [...accounts];
  }

  /** Answers of 503 service_unavailable (only allowed with `allowUnavailable`). */
  get unavailable(): number {
    return this.#unavailable;
  }

  get requests(): number {
    let total = 0;
    for (const count of this.statuses.values()) total += count;
    return total;
  }

  /** One autocannon request entry: each send takes the next action, each answer is checked. */
  request(): autocannon.Request {
    return {
      setupRequest: (request, context) => {
        const action = this.#next();
        (context as { action?: Action }).action = action;
        if (action.kind === 'read') action.acceptedBefore = this.#confirmedAt.has(action.target);
        request.method = action.method;
        request.path = action.path;
        request.headers = this.#headers(action);
        request.body = action.body;
        return request;
      },
      onResponse: (status, body, context, headers) => {
        const action = (context as { action?: Action }).action;
        if (action) this.#record(action, status, body, headers?.['idempotent-replayed'] === 'true');
      },
    };
  }

  #headers(action: Action): Record<string, string> {
    return {
      authorization: `Bearer ${action.account.token}`,
      origin: ORIGIN,
      ...(action.method === 'POST' ? { 'content-type': 'application/json' } : {}),
      ...(action.key ? { 'idempotency-key': action.key } : {}),
    };
  }

  #next(): Action {
    if (this.#queue.length === 0) this.#refill();
    return this.#queue.shift()!;
  }

  #refill(): void {
    const now = performance.now();
    while (this.#retries.length > 0 && this.#retries[0]!.due <= now)
      this.#queue.push(this.#retries.shift()!.action);
    this.#batch++;
    const twins = this.#options.twins;
    const room = this.#retries.length < this.#options.maxPendingRetries;
    const fresh = room ? this.#fresh.pop() : undefined;
    if (fresh) {
      const accept = this.#write('accept', fresh.account, fresh.quote);
      for (let i = 0; i < twins; i++) this.#queue.push(accept);
    }
    if ((!fresh || this.#batch % 4 === 0) && this.#confirmed.length > 0) {
      // An answered accept again with its key (a retry after a lost answer: must replay), and
      // with a new key (a second attempt: must be refused).
      const done = this.#confirmed[(this.#batch * 7919) % this.#confirmed.length]!;
      this.#queue.push(done, this.#stale(done));
    }
    if (room && this.#batch % 3 === 0) {
      const account = this.#freshSubmits.pop();
      if (account) {
        const submit = this.#write('submit', account, account.onboardingId);
        for (let i = 0; i < twins; i++) this.#queue.push(submit);
      }
    }
    const account = this.#accounts[this.#batch % this.#accounts.length]!;
    const quote = account.quotes[(this.#batch >> 3) % account.quotes.length]!;
    this.#queue.push({
      kind: 'read',
      account,
      method: 'GET',
      path: `/v1/quotes/${quote}`,
      target: quote,
      outcomes: [],
    });
    if (this.#batch % 5 === 0)
      this.#queue.push({
        kind: 'events',
        account,
        method: 'GET',
        path: '/v1/events?limit=20',
        target: account.id,
        outcomes: [],
      });
  }

  #write(kind: 'accept' | 'submit', account: LoadAccount, target: string): Action {
    const action: Action = {
      kind,
      account,
      method: 'POST',
      path: kind === 'accept' ? `/v1/quotes/${target}/accept` : `/v1/onboarding/${target}/submit`,
      target,
      key: `load-${randomUUID()}`,
      body: kind === 'accept' ? ACCEPT_BODY : '{}',
      outcomes: [],
    };
    this.#keyed.push(action);
    return action;
  }

  #stale(done: Action): Action {
    return { ...done, kind: 'stale-accept', key: `load-${randomUUID()}`, outcomes: [] };
  }

  #record(action: Action, status: number, body: string, replayed: boolean): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.observer?.(status);
    const code = status >= 400 ? errorCode(body) : undefined;
    const keepBody = (action.kind === 'accept' || action.kind === 'submit') && status < 300;
    action.outcomes.push({ status, code, body: keepBody ? body : '', replayed });
    const what = `${action.kind} ${action.path}`;
    if (status >= 500) {
      if (this.#options.allowUnavailable && status === 503 && code === 'service_unavailable') {
        this.#unavailable++;
        if (action.kind === 'accept' || action.kind === 'submit')
          this.#retries.push({ action, due: performance.now() + 200 });
        return;
      }
      this.failures.push(`${what}: ${status} ${code ?? body.slice(0, 200)}`);
      return;
    }
    switch (action.kind) {
      case 'accept':
      case 'submit': {
        const expected = action.kind === 'accept' ? 'accepted' : 'submitted';
        const parsed = status === 200 ? parseJson(body) : undefined;
        if (parsed?.id !== action.target || parsed.status !== expected) {
          this.failures.push(`${what}: ${status} ${code ?? body.slice(0, 200)}`);
          return;
        }
        if (action.kind === 'accept' && !this.#confirmedAt.has(action.target)) {
          this.#confirmedAt.add(action.target);
          this.#confirmed.push(action);
        }
        return;
      }
      case 'stale-accept':
        if (status !== 409 || code !== 'quote_not_open')
          this.failures.push(`${what} with a new key: ${status} ${code} (expected quote_not_open)`);
        return;
      case 'read': {
        const parsed = status === 200 ? parseJson(body) : undefined;
        if (parsed?.id !== action.target) this.failures.push(`${what}: ${status} ${code}`);
        else if (action.acceptedBefore && parsed.status !== 'accepted')
          this.failures.push(`${what}: ${String(parsed.status)} after an accept answered 200`);
        return;
      }
      case 'events':
        if (status !== 200) this.failures.push(`${what}: ${status} ${code}`);
        return;
    }
  }

  /**
   * Sends every write that has no successful answer yet (cut off when the load stopped, or
   * answered 503) again with its key, as a client would, until it has one.
   */
  async settle(baseUrl: string): Promise<number> {
    const open = this.#keyed.filter((action) => !action.outcomes.some((o) => o.status < 300));
    for (let i = 0; i < open.length; i += 20) {
      await Promise.all(
        open.slice(i, i + 20).map(async (action) => {
          for (let attempt = 0; attempt < 100; attempt++) {
            const response = await fetch(`${baseUrl}${action.path}`, {
              method: action.method,
              headers: this.#headers(action),
              body: action.body,
            });
            const body = await response.text();
            this.#record(
              action,
              response.status,
              body,
              response.headers.get('idempotent-replayed') === 'true',
            );
            if (response.status !== 503) return;
            await sleep(200);
          }
        }),
      );
    }
    return open.length;
  }

  /**
   * What the clients were told against what the database holds and the feed shows: every write
   * answered 200 happened exactly once, nothing else happened, and retries replayed the answer.
   */
  async verify(
    databaseUrl: string,
    baseUrl: string,
    partnerId: string,
  ): Promise<{ accepted: number; submitted: number; events: number }> {
    const fail = (message: string) => this.failures.push(message);
    const accepts = this.#keyed.filter((action) => action.kind === 'accept');
    const submits = this.#keyed.filter((action) => action.kind === 'submit');
    const succeeded = (action: Action) => action.outcomes.some((o) => o.status < 300);
    const confirmedQuotes = new Set(accepts.filter(succeeded).map((action) => action.target));
    const confirmedApplications = new Set(submits.filter(succeeded).map((action) => action.target));

    for (const action of this.#keyed) {
      const answers = action.outcomes.filter((o) => o.status < 300);
      if (answers.length === 0) fail(`${action.kind} ${action.target}: never answered 200`);
      if (new Set(answers.map((o) => o.body)).size > 1)
        fail(`${action.kind} ${action.target}: replays differ from the first answer`);
      if (answers.filter((o) => !o.replayed).length > 1)
        fail(`${action.kind} ${action.target}: executed twice under one idempotency key`);
    }

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    let events: { id: string; type: string; account_id: string; resource: string }[];
    try {
      const quotes = await client.query<{ id: string; status: string }>(
        'SELECT id, status FROM quotes WHERE id = ANY($1::text[])',
        [this.#accounts.flatMap((account) => account.quotes)],
      );
      for (const row of quotes.rows) {
        const accepted = row.status === 'accepted';
        if (accepted && !confirmedQuotes.has(row.id))
          fail(`quote ${row.id} is accepted in the database, but no client was told so`);
        if (!accepted && confirmedQuotes.has(row.id))
          fail(`quote ${row.id} was confirmed accepted, but is ${row.status} (a lost write)`);
      }
      const applications = await client.query<{ id: string; status: string }>(
        'SELECT id, status FROM onboarding_applications WHERE id = ANY($1::text[])',
        [this.#accounts.map((account) => account.onboardingId)],
      );
      for (const row of applications.rows) {
        if ((row.status === 'submitted') !== confirmedApplications.has(row.id))
          fail(`application ${row.id} is ${row.status} in the database`);
      }
      events = (
        await client.query<{ id: string; type: string; account_id: string; resource: string }>(
          `SELECT id, type, account_id, data->>'id' AS resource FROM events
           WHERE partner_id = $1 ORDER BY cursor`,
          [partnerId],
        )
      ).rows;
    } finally {
      await client.end();
    }

    const count = new Map<string, number>();
    for (const event of events) {
      const key = `${event.type} ${event.resource}`;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    const submittedAccounts = new Set(submits.filter(succeeded).map((action) => action.account.id));
    const expected = new Map<string, number>([
      ...[...confirmedQuotes].map((id) => [`quote.accepted ${id}`, 1] as const),
      ...[...confirmedApplications].map((id) => [`onboarding.submitted ${id}`, 1] as const),
      ...[...submittedAccounts].map((id) => [`account.updated ${id}`, 1] as const),
    ]);
    for (const [key, n] of count)
      if (expected.get(key) !== n)
        fail(`database: ${n} × ${key}, expected ${expected.get(key) ?? 0}`);
    for (const key of expected.keys()) if (!count.has(key)) fail(`database: no ${key} event`);

    // The feed, as each customer's widget reads it, holds exactly the database's events.
    for (let i = 0; i < this.#accounts.length; i += 10) {
      await Promise.all(
        this.#accounts.slice(i, i + 10).map(async (account) => {
          const seen = await readFeed(baseUrl, account);
          const stored = events.filter((event) => event.account_id === account.id).map((e) => e.id);
          if (seen.join() !== stored.join())
            fail(`feed of ${account.id}: ${seen.length} events, database ${stored.length}`);
        }),
      );
    }
    return {
      accepted: confirmedQuotes.size,
      submitted: confirmedApplications.size,
      events: events.length,
    };
  }
}

async function readFeed(baseUrl: string, account: LoadAccount): Promise<string[]> {
  const ids: string[] = [];
  let after = 0;
  for (;;) {
    const response = await fetch(`${baseUrl}/v1/events?after=${after}&limit=100`, {
      headers: { authorization: `Bearer ${account.token}`, origin: ORIGIN },
    });
    if (response.status !== 200) throw new Error(`feed answered ${response.status}`);
    const page = (await response.json()) as {
      data: { id: string }[];
      next_cursor: number;
      has_more: boolean;
    };
    ids.push(...page.data.map((event) => event.id));
    if (!page.has_more) return ids;
    after = page.next_cursor;
  }
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function errorCode(body: string): string | undefined {
  const error = parseJson(body)?.error;
  return typeof error === 'object' && error !== null
    ? String((error as { code?: unknown }).code)
    : undefined;
}
