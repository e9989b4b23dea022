import * as z from 'zod/mini';

const Metadata = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  tessera_revocations_uri: z.optional(z.string()),
  tessera_audience: z.optional(z.string()),
  access_token_signing_alg_values_supported: z.optional(z.array(z.string())),
});
export type TokenServiceMetadata = z.infer<typeof Metadata>;

/**
 * The token service's RFC 8414 metadata, retried with backoff until `timeoutMs`: the two services
 * start side by side, and the core API must not die because it was the quicker one.
 */
export async function discover(
  tokenServiceUrl: string,
  timeoutMs: number,
  onRetry?: (error: string) => void,
): Promise<TokenServiceMetadata> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    let problem: string;
    try {
      const response = await fetch(`${tokenServiceUrl}/.well-known/oauth-authorization-server`, {
        signal: AbortSignal.timeout(5000),
      });
      if (response.ok) {
        const parsed = Metadata.safeParse(await response.json());
        if (parsed.success) return parsed.data;
        problem = 'its metadata is not RFC 8414 metadata of a Tessera token service';
      } else {
        problem = `it answered ${response.status}`;
      }
    } catch (error) {
      problem = (error as Error).message;
    }
    if (Date.now() + delay > deadline) {
      throw new Error(
        `The token service at ${tokenServiceUrl} did not answer with its metadata (${problem}). Start it first (tessera token-service), or pass --token-service URL.`,
      );
    }
    onRetry?.(problem);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 2000);
  }
}
