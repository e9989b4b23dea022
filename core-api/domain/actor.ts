import { randomUUID } from 'node:crypto';
import { TesseraError } from '../../contracts/index.ts';
import type { DomainEventType, NewDomainEvent } from '../store/types.ts';

/** Who acts, for whom, and under which ids: what every domain function needs from the request. */
export interface Actor {
  partnerId: string;
  accountId: string;
  requestId: string;
  sessionId: string | null;
  now: Date;
  event(type: DomainEventType, data: { account_id?: string; id: string }): NewDomainEvent;
}

export function actor(fields: Omit<Actor, 'event'>): Actor {
  return {
    ...fields,
    event: (type, data) => ({
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      partner_id: fields.partnerId,
      account_id: fields.accountId,
      type,
      data: data,
      request_id: fields.requestId,
      session_id: fields.sessionId,
    }),
  };
}

/** Optimistic concurrency: `If-Match` names the version the client read. */
export function checkVersion(current: number, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && ifMatch !== current) {
    throw new TesseraError(
      'version_conflict',
      `The resource is at version ${current}, not ${ifMatch}: reload it and apply your change again.`,
      { current_version: current },
    );
  }
}
