import type { Context } from 'hono';
import { SIMULATIONS, TesseraError, type Simulation } from '../../contracts/index.ts';

/**
 * The sandbox switch: `Tessera-Simulate: <failure>` answers as that failure would, so integrators
 * (and Storybook's live mode) can rehearse every error path. Test-mode partners only.
 */
export async function simulate(
  c: Context,
  claims: { readonly tessera_mode?: 'test' | 'live' },
  slowMs: number,
): Promise<void> {
  const asked = c.req.header('tessera-simulate');
  if (!asked) return;
  if (!(SIMULATIONS as readonly string[]).includes(asked)) {
    throw new TesseraError(
      'validation_failed',
      `Tessera-Simulate must be one of ${SIMULATIONS.join(', ')}.`,
      {
        fields: [
          {
            path: 'Tessera-Simulate',
            code: 'invalid_value',
            message: `one of ${SIMULATIONS.join(', ')}`,
          },
        ],
      },
    );
  }
  if (claims.tessera_mode !== 'test') throw new TesseraError('simulation_not_allowed');
  c.header('Tessera-Simulated', asked);
  switch (asked as Simulation) {
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, slowMs));
      return;
    case 'rate_limited':
      c.header('Retry-After', '1');
      throw new TesseraError('rate_limited', 'Simulated: rate limit exceeded; retry after 1 s.', {
        retry_after_seconds: 1,
        simulated: true,
      });
    case 'server_error':
      throw new TesseraError('internal_error', 'Simulated: an internal error.', {
        simulated: true,
      });
    case 'token_expired':
      c.header(
        'WWW-Authenticate',
        'Bearer error="invalid_token", error_description="Simulated: the token has expired."',
      );
      throw new TesseraError('token_expired', 'Simulated: the token has expired.', {
        simulated: true,
      });
    case 'conflict': {
      const current = Number(/\d+/.exec(c.req.header('if-match') ?? '')?.[0] ?? 1) + 1;
      throw new TesseraError(
        'version_conflict',
        'Simulated: the resource was changed by someone else.',
        { current_version: current, simulated: true },
      );
    }
  }
}
