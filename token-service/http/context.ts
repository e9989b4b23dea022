import type { CommonVariables } from '../../service-kit/http/instrument.ts';
import type { Logger } from '../../service-kit/log.ts';
import type { PartnerRateLimiter } from '../../service-kit/rate-limit.ts';
import type { AuditWriter } from '../audit.ts';
import type { KeyRing } from '../keys.ts';
import type { Metrics } from '../metrics.ts';
import type { Partners } from '../partners.ts';
import type { TokenStore } from '../store/types.ts';

export interface AppDeps {
  issuer: string;
  audience: string;
  store: TokenStore;
  partners: Partners;
  keys: KeyRing;
  audit: AuditWriter;
  limiter: PartnerRateLimiter;
  metrics: Metrics;
  log: Logger;
  adminToken: string;
  /** How long verifiers may cache the revocation feed: the documented suspension window. */
  revocationsMaxAgeSec: number;
}

export type TokenServiceEnv = { Variables: CommonVariables };
