import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import { PartnerCreate, PartnerId, PartnerUpdate, TesseraError } from '../../../contracts/index.ts';
import { bearer, isAdmin } from '../../../service-kit/http/auth.ts';
import { readJson } from '../../../service-kit/http/body.ts';
import { sendError } from '../../../service-kit/http/errors.ts';
import { pathId } from '../../../service-kit/http/params.ts';
import type { AppDeps, TokenServiceEnv } from '../context.ts';

const SuspendBody = z.optional(z.strictObject({}));
const RotateBody = z.strictObject({ force: z.optional(z.boolean()) });

const partnerId = (c: Context) =>
  pathId(c, () => new TesseraError('partner_not_found', 'No partner has this id.'));
const partnerKeyId = (c: Context) =>
  pathId(c, () => new TesseraError('partner_key_not_found', 'No partner key has this id.'));

/** The admin API: what the CLI does, over HTTP, behind the admin credential. */
export function adminRoutes(deps: AppDeps): Hono<TokenServiceEnv> {
  const admin = new Hono<TokenServiceEnv>();
  admin.use(async (c, next) => {
    if (!isAdmin(bearer(c), deps.adminToken)) return sendError(c, 'admin_unauthorized');
    await next();
  });
  admin.get('/partners', async (c) => c.json({ data: await deps.partners.list() }));
  admin.post('/partners', async (c) => {
    const body = await readJson(c, PartnerCreate);
    return c.json(await deps.partners.create(body), 201);
  });
  admin.get('/partners/:id', async (c) => c.json(await deps.partners.show(partnerId(c))));
  admin.patch('/partners/:id', async (c) =>
    c.json(await deps.partners.update(partnerId(c), await readJson(c, PartnerUpdate))),
  );
  admin.post('/partners/:id/suspend', async (c) => {
    await optionalJson(c, SuspendBody);
    return c.json(await deps.partners.suspend(partnerId(c)));
  });
  admin.post('/partners/:id/resume', async (c) => {
    await optionalJson(c, SuspendBody);
    return c.json(await deps.partners.resume(partnerId(c)));
  });
  admin.post('/partners/:id/keys', async (c) =>
    c.json(await deps.partners.issueKey(partnerId(c)), 201),
  );
  admin.post('/partner-keys/:id/revoke', async (c) =>
    c.json(await deps.partners.revokeKey(partnerKeyId(c))),
  );
  admin.get('/keys', (c) => c.json({ data: deps.keys.list() }));
  admin.post('/keys/rotate', async (c) => {
    const body = (await optionalJson(c, RotateBody)) ?? {};
    const result = await deps.keys.rotate({ force: body.force });
    return c.json({ ...result, data: deps.keys.list() });
  });
  admin.get('/issuances', async (c) => {
    const limit = Math.min(Number(c.req.query('limit') ?? 100) || 100, 1000);
    const partner = c.req.query('partner_id');
    if (partner !== undefined && !PartnerId.safeParse(partner).success)
      throw new TesseraError('validation_failed', 'Invalid query parameter: partner_id.', {
        fields: [{ path: 'partner_id', code: 'invalid_format', message: 'must look like ptn_…' }],
      });
    const rows = await deps.store.listIssuances({ partnerId: partner, limit });
    return c.json({
      data: rows.map((row) => ({
        ...row,
        issued_at: row.issued_at.toISOString(),
        expires_at: row.expires_at.toISOString(),
      })),
    });
  });
  return admin;
}

/** Admin actions take an optional JSON body: none at all is fine, a bad one is still refused. */
async function optionalJson<S extends z.ZodMiniType>(
  c: Context,
  schema: S,
): Promise<z.infer<S> | undefined> {
  if (!c.req.header('content-type') && (c.req.header('content-length') ?? '0') === '0')
    return undefined;
  return readJson(c, schema);
}
