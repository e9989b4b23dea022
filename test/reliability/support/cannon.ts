import autocannon from 'autocannon';
import { decodeJwt } from './processes.ts';

/** autocannon, with a handle to stop it early and the result as a promise. */
export function cannon(options: autocannon.Options): {
  stop(): void;
  done: Promise<autocannon.Result>;
} {
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (error: unknown, result: autocannon.Result) =>
      error
        ? reject(error instanceof Error ? error : new Error('autocannon failed'))
        : resolve(result),
    );
  });
  return { stop: () => instance?.stop(), done };
}

/**
 * `POST /v1/tokens` traffic for autocannon: every answer is tallied, the `jti` of every token
 * handed out kept, anything but 201 (and, during a database fault, 503 service_unavailable)
 * recorded as a failure.
 */
export class MintWorkload {
  readonly jtis: string[] = [];
  readonly failures: string[] = [];
  readonly statuses = new Map<number, number>();
  unavailable = 0;
  /** Called with every answer's status, for timelines. */
  observer: ((status: number) => void) | undefined;
  readonly #allowUnavailable: boolean;

  constructor(options: { allowUnavailable?: boolean } = {}) {
    this.#allowUnavailable = options.allowUnavailable ?? false;
  }

  get requests(): number {
    let total = 0;
    for (const count of this.statuses.values()) total += count;
    return total;
  }

  request(): autocannon.Request {
    return {
      onResponse: (status, body) => {
        this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
        this.observer?.(status);
        if (status === 201) {
          try {
            const { token } = JSON.parse(body) as { token: string };
            this.jtis.push(String(decodeJwt(token).payload.jti));
          } catch {
            this.failures.push(`201 without a readable token: ${body.slice(0, 200)}`);
          }
          return;
        }
        if (this.#allowUnavailable && status === 503 && body.includes('"service_unavailable"')) {
          this.unavailable++;
          return;
        }
        this.failures.push(`${status}: ${body.slice(0, 200)}`);
      },
    };
  }
}
