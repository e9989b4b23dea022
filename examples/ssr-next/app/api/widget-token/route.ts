import { QUOTE_SCOPES, getShop } from '../../tessera';

// The widget refreshes the handed-over token here before it expires.
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => ({}))) as {
    session_id?: unknown;
    dpop_jkt?: unknown;
  };
  const { tessera, customerId, origin } = getShop();
  const account = await tessera.accounts.get(customerId);
  const minted = await tessera.widgetTokens.create({
    subject: account.id,
    scopes: [...QUOTE_SCOPES],
    origin,
    ...(typeof body.session_id === 'string' ? { sessionId: body.session_id } : {}),
    ...(typeof body.dpop_jkt === 'string' ? { dpopJkt: body.dpop_jkt } : {}),
  });
  return Response.json({ token: minted.token, expires_at: minted.expires_at });
}
