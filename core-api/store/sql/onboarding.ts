import type { OnboardingApplication, OnboardingDraft } from '../../../contracts/index.ts';
import {
  BillingStep,
  CompanyStep,
  ContactStep,
  ONBOARDING_STEPS,
  ReviewStep,
} from '../../../contracts/index.ts';
import type { Db } from '../../../service-kit/db/db.ts';
import { ADDRESS_KEYS } from './accounts.ts';
import { iso, json, lock, ordered, updateMissed } from './rows.ts';

const ONBOARDING_COLUMNS =
  'id, account_id, status, current_step, steps, "values", submitted_at, version, updated_at';
const STEP_KEYS: Record<string, readonly string[]> = {
  company: Object.keys(CompanyStep.shape),
  contact: Object.keys(ContactStep.shape),
  billing: Object.keys(BillingStep.shape),
  review: Object.keys(ReviewStep.shape),
};

function orderedDraft(values: OnboardingDraft): OnboardingDraft {
  const out: Record<string, unknown> = {};
  for (const [step, draft] of Object.entries(ordered(values, ONBOARDING_STEPS))) {
    const keys = STEP_KEYS[step];
    if (!keys || typeof draft !== 'object' || draft === null) {
      out[step] = draft;
      continue;
    }
    const fields = ordered(draft as Record<string, unknown>, keys);
    const address = fields.address;
    if (typeof address === 'object' && address !== null) {
      fields.address = ordered(address, ADDRESS_KEYS);
    }
    out[step] = fields;
  }
  return out;
}

interface OnboardingRow {
  id: string;
  account_id: string;
  status: OnboardingApplication['status'];
  current_step: OnboardingApplication['current_step'];
  steps: OnboardingApplication['steps'];
  values: OnboardingApplication['values'];
  submitted_at: Date | null;
  version: number;
  updated_at: Date;
}

function toOnboarding(r: OnboardingRow): OnboardingApplication {
  return {
    id: r.id,
    account_id: r.account_id,
    status: r.status,
    current_step: r.current_step,
    steps: r.steps.map((step) => ordered(step, ['id', 'complete'])),
    values: orderedDraft(r.values),
    ...(r.submitted_at === null ? {} : { submitted_at: iso(r.submitted_at) }),
    version: r.version,
    updated_at: iso(r.updated_at),
  };
}

export async function getOnboarding(
  db: Db,
  id: string,
  opts?: { forUpdate?: boolean; accountId?: string },
): Promise<OnboardingApplication | null> {
  const rows =
    opts?.accountId === undefined
      ? await db.query<OnboardingRow>(
          `SELECT ${ONBOARDING_COLUMNS} FROM onboarding_applications WHERE id = $1${lock(opts?.forUpdate)}`,
          [id],
        )
      : await db.query<OnboardingRow>(
          `SELECT ${ONBOARDING_COLUMNS} FROM onboarding_applications
           WHERE id = $1 AND account_id = $2${lock(opts.forUpdate)}`,
          [id, opts.accountId],
        );
  return rows[0] ? toOnboarding(rows[0]) : null;
}

export async function findOpenOnboarding(
  db: Db,
  accountId: string,
): Promise<OnboardingApplication | null> {
  const rows = await db.query<OnboardingRow>(
    `SELECT ${ONBOARDING_COLUMNS} FROM onboarding_applications
     WHERE account_id = $1 AND status = 'in_progress'`,
    [accountId],
  );
  return rows[0] ? toOnboarding(rows[0]) : null;
}

export async function findSubmittedOnboarding(
  db: Db,
  accountId: string,
): Promise<OnboardingApplication | null> {
  const rows = await db.query<OnboardingRow>(
    `SELECT ${ONBOARDING_COLUMNS} FROM onboarding_applications
     WHERE account_id = $1 AND status = 'submitted'
     ORDER BY submitted_at DESC, id LIMIT 1`,
    [accountId],
  );
  return rows[0] ? toOnboarding(rows[0]) : null;
}

export async function insertOnboarding(db: Db, o: OnboardingApplication): Promise<void> {
  await db.query(
    `INSERT INTO onboarding_applications (${ONBOARDING_COLUMNS})
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::timestamptz, $8, $9::timestamptz)`,
    [
      o.id,
      o.account_id,
      o.status,
      o.current_step,
      json(o.steps),
      json(o.values),
      o.submitted_at ?? null,
      o.version,
      o.updated_at,
    ],
  );
}

export async function updateOnboarding(db: Db, o: OnboardingApplication): Promise<void> {
  const rows = await db.query(
    `UPDATE onboarding_applications SET status = $2, current_step = $3, steps = $4::jsonb,
       "values" = $5::jsonb, submitted_at = $6::timestamptz, version = $7, updated_at = $8::timestamptz
     WHERE id = $1 AND version < $7 RETURNING 1`,
    [
      o.id,
      o.status,
      o.current_step,
      json(o.steps),
      json(o.values),
      o.submitted_at ?? null,
      o.version,
      o.updated_at,
    ],
  );
  if (rows.length === 0) await updateMissed(db, 'onboarding_applications', o.id, o.version);
}
