import { Tessera } from '@tessera/node';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name}.`);
  return value;
}

export const QUOTE_SCOPES = ['quote:read', 'quote:accept'] as const;

export interface Shop {
  /** Where customers reach the shop: every widget token is bound to it. */
  origin: string;
  apiUrl: string;
  /**
   * The signed-in customer, by the shop's own id (the partner API's `external_id`). A real shop
   * reads it from its session; one customer keeps the example short.
   */
  customerId: string;
  /** One client for the server's life: it caches the partner token. */
  tessera: Tessera;
}

let shop: Shop | undefined;

/** The shop's configuration, read from the environment when a request first needs it (not at build time). */
export function getShop(): Shop {
  if (shop) return shop;
  const apiUrl = required('TESSERA_API_URL');
  shop = {
    origin: required('SHOP_ORIGIN'),
    apiUrl,
    customerId: required('SHOP_CUSTOMER_ID'),
    tessera: new Tessera({
      secretKey: required('TESSERA_SECRET_KEY'),
      partnerId: required('TESSERA_PARTNER_ID'),
      tokenServiceUrl: required('TESSERA_TOKEN_SERVICE_URL'),
      apiUrl,
      scopes: ['partner:accounts', 'partner:quotes'],
    }),
  };
  return shop;
}
