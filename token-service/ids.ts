import { randomUUID } from 'node:crypto';
import { randomAlnum } from '../service-kit/ids.ts';

export const newPartnerId = () => `ptn_${randomAlnum(16)}`;
export const newPartnerKeyId = () => `pk_${randomAlnum(16)}`;
/** 43 alphanumerics ≈ 256 bits: a secret that needs no slow hash, only SHA-256. */
export const newPartnerSecret = (mode: 'test' | 'live') => `tsk_${mode}_${randomAlnum(43)}`;
/** randomUUID draws from Node's pooled entropy: no syscall per token, unlike randomBytes. */
export const newJti = () => randomUUID();
