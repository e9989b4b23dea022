import { jwtVerify } from 'jose';
import type * as z from 'zod/mini';
import { TesseraError } from '../contracts/v1/errors.ts';
import { assertLowS } from './ecdsa.ts';
import type { KeySet, VerifierAlgorithm } from './key-set.ts';
import { inspectHeader, translateJoseError } from './token-format.ts';
import { assertTokenKind, refuseOtherKind, type TokenKind } from './token-kind.ts';

export interface SignatureCheck {
  keySet: KeySet;
  algorithms: readonly VerifierAlgorithm[];
  issuer: string;
  audience: string;
  clockToleranceSec: number;
  maxTokenAgeSec: number;
  requiredClaims: string[];
  now: () => number;
}

/**
 * The steps every Tessera token goes through before its kind's own rules: header, low-S, the key
 * by `kid` from the configured JWKS only, signature, `typ`/`iss`/`aud`/times, the token kind, and
 * the claims against their contracts schema. Widget and partner verifiers differ only after this.
 */
export async function verifySignedClaims<S extends z.ZodMiniType>(
  token: string,
  check: SignatureCheck,
  kind: TokenKind,
  schema: S,
): Promise<{ claims: z.infer<S>; payload: Record<string, unknown> }> {
  const { alg, kid } = inspectHeader(token, check.algorithms);
  assertLowS(token, alg);
  const key = await check.keySet.get(kid);
  if (key.alg !== alg) {
    throw new TesseraError(
      'token_signature_invalid',
      "The token's `alg` does not match the published key with its `kid`.",
    );
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key.key, {
      algorithms: [alg],
      typ: 'at+jwt',
      issuer: check.issuer,
      audience: check.audience,
      clockTolerance: check.clockToleranceSec,
      // jose adds the tolerance to the age itself; our option already includes it.
      maxTokenAge: Math.max(0, check.maxTokenAgeSec - check.clockToleranceSec),
      requiredClaims: check.requiredClaims,
      currentDate: new Date(check.now()),
    }));
  } catch (error) {
    refuseOtherKind(error, kind);
    throw translateJoseError(error);
  }
  assertTokenKind(payload, kind);
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (issue) => issue.path.map(String).join('.') || '(claims)',
    );
    throw new TesseraError(
      'token_claims_invalid',
      `A claim is missing or has the wrong form: ${[...new Set(fields)].join(', ')}.`,
    );
  }
  return { claims: parsed.data, payload };
}
