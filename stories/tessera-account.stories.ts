import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { expect, fn, userEvent } from 'storybook/test';
import { Account } from '../contracts/index.ts';
import '../widgets/account/define.ts';
import { account as en } from '../widgets/account/locales/en.ts';
import type { TesseraAccount } from '../widgets/account/tessera-account.ts';
import { account, longNamesAccount } from './fixtures.ts';
import {
  accountApi,
  always,
  elsewhere,
  failure,
  first,
  hang,
  malformed,
  networkError,
  reference,
  tokenEndpoint,
} from './mocks/index.ts';
import {
  errorCode,
  errorText,
  focused,
  requests,
  settled,
  shown,
  until,
  view,
  widget,
} from './play.ts';
import {
  argTypesFor,
  cssVariables,
  customTheme,
  docsFor,
  LIVE,
  liveStack,
  noStack,
  unstyled,
  type LiveStack,
} from './render.ts';

interface AccountArgs {
  accountId: string;
  locale?: string;
  appearance?: 'light' | 'dark';
  unstyled?: boolean;
  footer: string;
  onTesseraReady: (event: Event) => void;
  onTesseraChange: (event: Event) => void;
  onTesseraSuccess: (event: Event) => void;
  onTesseraError: (event: Event) => void;
  [cssProperty: `--${string}`]: string;
}

type Story = StoryObj<AccountArgs>;

const FULL = ['account:read', 'account:write'] as const;
const NEW_EMAIL = 'ap@nordlicht-analytics.example';

function render(args: AccountArgs, context: StoryContext<AccountArgs>) {
  return html`<tessera-account
    account-id=${args.accountId}
    locale=${args.locale || nothing}
    appearance=${args.appearance || nothing}
    ?unstyled=${args.unstyled || unstyled(context)}
    style=${cssVariables(args) || nothing}
    @tessera-ready=${args.onTesseraReady}
    @tessera-change=${args.onTesseraChange}
    @tessera-success=${args.onTesseraSuccess}
    @tessera-error=${args.onTesseraError}
  >
    ${args.footer ? html`<p slot="footer">${args.footer}</p>` : nothing}
  </tessera-account>`;
}

const meta: Meta<AccountArgs> = {
  title: 'Widgets/Account',
  component: 'tessera-account',
  render,
  args: {
    accountId: account.id,
    footer: '',
    onTesseraReady: fn(),
    onTesseraChange: fn(),
    onTesseraSuccess: fn(),
    onTesseraError: fn(),
  },
  argTypes: argTypesFor('tessera-account', 'accountId'),
  parameters: {
    docs: docsFor('tessera-account'),
    msw: {
      handlers: {
        token: tokenEndpoint({ scopes: FULL }),
        reference: reference(),
        account: accountApi(account),
      },
    },
  },
};
export default meta;

const accountIn = (canvas: HTMLElement) => widget<TesseraAccount>(canvas, 'tessera-account');
const ACCOUNT_PATH = `/v1/accounts/${account.id}`;
const details = (el: TesseraAccount) =>
  el.shadowRoot?.querySelector('[part~="details"]')?.textContent?.replace(/\s+/g, ' ') ?? '';

async function openEditor(el: TesseraAccount) {
  await userEvent.click(view(el).getByRole('button', { name: 'Edit details' }));
  await settled(el, 'editing');
}

/** Replaces a field's value as a customer would: select what is there, type over it. */
async function retype(el: TesseraAccount, label: string, value: string) {
  const control = view(el).getByLabelText<HTMLInputElement>(label);
  await userEvent.type(control, value || '{Backspace}', {
    initialSelectionStart: 0,
    initialSelectionEnd: control.value.length,
  });
}

async function save(el: TesseraAccount) {
  await userEvent.click(view(el).getByRole('button', { name: 'Save changes' }));
  await until(
    () => el.state.status !== 'saving',
    () => 'still saving',
    15_000,
  );
  await el.updateComplete;
}

// --- states --------------------------------------------------------------------------------------

/** The billing details, the country and region by name, and the Edit button. */
export const Viewing: Story = {
  play: async ({ canvasElement, args }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    const text = details(el);
    for (const value of [
      'Nordlicht Analytics GmbH',
      account.billing_email,
      '+493012345678',
      '10117 Berlin',
      'Germany',
      'DE123456789',
    ]) {
      await expect(text).toContain(value);
    }
    await expect(view(el).getByRole('button', { name: 'Edit details' })).toBeVisible();
    await expect(view(el).queryByRole('form')).toBeNull();
    await expect(args.onTesseraReady).toHaveBeenCalledTimes(1);
  },
};

export const Loading: Story = {
  parameters: { msw: { handlers: { account: accountApi(account, { load: always(hang) }) } } },
  play: async ({ canvasElement }) => {
    const el = await accountIn(canvasElement);
    await until(
      () => requests('GET', ACCOUNT_PATH).length === 1,
      () => 'no GET',
    );
    await el.updateComplete;
    await expect(el.state.status).toBe('loading');
    await expect(view(el).getByRole('heading', { name: 'Loading billing details…' })).toBeVisible();
    await expect(view(el).getByRole('status')).toHaveTextContent('Loading billing details…');
  },
};

/** Edit, change the billing email, save: only what changed is sent, with `If-Match`. */
export const EditAndSave: Story = {
  play: async ({ canvasElement, args }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await expect(focused(el)).toBe(view(el).getByLabelText('Legal name'));
    await retype(el, 'Billing email', NEW_EMAIL);
    await save(el);
    await settled(el, 'saved');
    const message = shown(el, 'Your changes were saved.');
    await expect(focused(el)).toBe(message);
    await expect(details(el)).toContain(NEW_EMAIL);
    const [patch] = requests('PATCH', ACCOUNT_PATH);
    await expect(patch?.ifMatch).toBe('"1"');
    await expect(patch?.status).toBe(200);
    await expect(args.onTesseraSuccess).toHaveBeenCalledTimes(1);
  },
};

/** `account:read` only: the details, without an Edit button. */
export const ReadOnly: Story = {
  parameters: { msw: { handlers: { token: tokenEndpoint({ scopes: ['account:read'] }) } } },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await expect(shown(el, 'You can view these details, but not change them.')).toBeVisible();
    await expect(view(el).queryByRole('button')).toBeNull();
    await expect(args.onTesseraError).not.toHaveBeenCalled();
  },
};

/** Field errors: described, focused, and nothing sent. */
export const ValidationErrors: Story = {
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', 'not an email');
    await retype(el, 'Phone', 'call me maybe');
    await userEvent.click(view(el).getByRole('button', { name: 'Save changes' }));
    await el.updateComplete;
    const email = view(el).getByLabelText('Billing email');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toHaveAccessibleDescription(
      'Enter an email address like name@example.com.',
    );
    await expect(view(el).getByLabelText('Phone')).toHaveAccessibleDescription(
      /Enter a phone number with its country code/,
    );
    await expect(focused(el)).toBe(email);
    await expect(view(el).getByRole('status')).toHaveTextContent(
      'Please correct the highlighted fields.',
    );
    await expect(requests('PATCH')).toHaveLength(0);
  },
};

/** The API refuses a tax ID that does not fit the country (400 validation_failed). */
export const ServerValidation: Story = {
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Tax ID', 'DE12');
    await save(el);
    await expect(el.state.status).toBe('editing');
    const taxId = view(el).getByLabelText('Tax ID');
    await expect(taxId).toHaveAttribute('aria-invalid', 'true');
    await expect(taxId).toHaveAccessibleDescription(
      'Enter a tax ID in the format of the billing country.',
    );
    await expect(focused(el)).toBe(taxId);
    await expect(requests('PATCH', ACCOUNT_PATH).map((r) => r.status)).toEqual([400]);
  },
};

/** Cancel with unsaved changes asks first, inside the widget; Discard goes back to the details. */
export const DiscardChanges: Story = {
  play: async ({ canvasElement, step }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'City', 'Hamburg');
    await userEvent.click(view(el).getByRole('button', { name: 'Cancel' }));
    await el.updateComplete;
    const dialog = view(el).getByRole('alertdialog', { name: 'Discard your changes?' });
    await expect(dialog).toHaveAccessibleDescription(/have not been saved/);
    await expect(focused(el)).toBe(view(el).getByRole('button', { name: 'Keep editing' }));
    await step('Discard', async () => {
      await userEvent.click(view(el).getByRole('button', { name: 'Discard changes' }));
      await settled(el, 'viewing');
    });
    await expect(details(el)).toContain('10117 Berlin');
    await expect(focused(el)).toBe(view(el).getByRole('button', { name: 'Edit details' }));
    await expect(requests('PATCH')).toHaveLength(0);
  },
};

// --- conflicts and failures while saving -----------------------------------------------------------

const theirs = elsewhere<Account>((current) => ({
  ...current,
  billing_email: 'theirs@nordlicht-analytics.example',
  legal_name: 'Nordlicht Analytics SE',
  version: current.version + 1,
}));

/** 412: someone saved meanwhile; the panel shows each detail, theirs and mine. */
export const SaveConflict: Story = {
  parameters: { msw: { handlers: { account: accountApi(account, { save: theirs }) } } },
  play: async ({ canvasElement, args, step }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', 'mine@nordlicht-analytics.example');
    await save(el);
    await settled(el, 'conflict');
    await expect(focused(el)).toBe(
      view(el).getByRole('heading', { name: 'These details were changed elsewhere' }),
    );
    const rows = [...(el.shadowRoot?.querySelectorAll('[part~="conflict-field"]') ?? [])].map(
      (row) => [...row.children].map((cell) => cell.textContent?.trim()),
    );
    await expect(rows).toEqual([
      ['Legal name', 'Nordlicht Analytics SE', 'Not changed by you'],
      ['Billing email', 'theirs@nordlicht-analytics.example', 'mine@nordlicht-analytics.example'],
    ]);
    await expect(errorCode(el)).toBe('version_conflict');
    await step('Keep my changes: mine saved over theirs', async () => {
      await userEvent.click(view(el).getByRole('button', { name: 'Keep my changes' }));
      await settled(el, 'saved');
    });
    await expect(details(el)).toContain('mine@nordlicht-analytics.example');
    await expect(details(el)).toContain('Nordlicht Analytics SE');
    await expect(requests('PATCH', ACCOUNT_PATH).map((r) => r.status)).toEqual([412, 200]);
    await expect(args.onTesseraSuccess).toHaveBeenCalledTimes(1);
  },
};

/** A 412 settled with "Use the new values": theirs in the form, nothing sent by itself. */
export const SaveConflictUseTheirs: Story = {
  parameters: {
    msw: {
      handlers: {
        account: accountApi(account, {
          save: elsewhere((current) => ({
            ...current,
            billing_email: 'theirs@nordlicht-analytics.example',
            version: current.version + 1,
          })),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', 'mine@nordlicht-analytics.example');
    await retype(el, 'City', 'Potsdam');
    await save(el);
    await settled(el, 'conflict');
    await userEvent.click(view(el).getByRole('button', { name: 'Use the new values' }));
    await settled(el, 'editing');
    const email = view(el).getByLabelText('Billing email');
    await expect(email).toHaveValue('theirs@nordlicht-analytics.example');
    await expect(view(el).getByLabelText('City')).toHaveValue('Potsdam');
    await expect(focused(el)).toBe(email);
    await expect(requests('PATCH')).toHaveLength(1);
  },
};

/**
 * A 412 where the stored account already has the customer's change (another tab made the same
 * one, or an earlier answer was lost): the widget sees it and reports saved, sending nothing more.
 */
export const SaveConflictSameChange: Story = {
  parameters: {
    msw: {
      handlers: {
        account: accountApi(account, {
          save: elsewhere((current) => ({
            ...current,
            billing_email: NEW_EMAIL,
            version: current.version + 1,
          })),
        }),
      },
    },
  },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', NEW_EMAIL);
    await save(el);
    await settled(el, 'saved');
    await expect(details(el)).toContain(NEW_EMAIL);
    await expect(requests('PATCH', ACCOUNT_PATH).map((r) => r.status)).toEqual([412]);
    await expect(requests('GET', ACCOUNT_PATH)).toHaveLength(2);
    await expect(args.onTesseraSuccess).toHaveBeenCalledTimes(1);
  },
};

/** The network drops while saving: the draft stays, and saving again sends it once. */
export const NetworkErrorOnSave: Story = {
  parameters: {
    msw: { handlers: { account: accountApi(account, { save: first(3, networkError) }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', NEW_EMAIL);
    await save(el);
    await expect(el.state.status).toBe('editing');
    const alert = view(el).getByRole('alert');
    await expect(alert).toHaveTextContent(
      `${en['account.notSaved']} ${errorText('network_error')}`,
    );
    await expect(focused(el)).toBe(alert);
    await expect(view(el).getByLabelText('Billing email')).toHaveValue(NEW_EMAIL);
    await save(el);
    await settled(el, 'saved');
    const keys = new Set(requests('PATCH', ACCOUNT_PATH).map((r) => r.idempotencyKey));
    await expect(keys.size).toBe(1);
  },
};

/** 500 on save: the widget's own message and the request id for support. */
export const ServerErrorOnSave: Story = {
  parameters: {
    msw: {
      handlers: {
        account: accountApi(account, { save: always(() => failure('internal_error')) }),
      },
    },
  },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', NEW_EMAIL);
    await save(el);
    const alert = view(el).getByRole('alert');
    await expect(alert).toHaveTextContent(errorText('internal_error'));
    await expect(alert).toHaveTextContent(/Reference: req_story_\d+/);
    await expect(args.onTesseraError).toHaveBeenCalledTimes(1);
  },
};

/** 403 insufficient_scope on save: the customer may not change these details after all. */
export const ForbiddenOnSave: Story = {
  parameters: {
    msw: {
      handlers: {
        account: accountApi(account, { save: always(() => failure('insufficient_scope')) }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', NEW_EMAIL);
    await save(el);
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('insufficient_scope'));
  },
};

/** 429 on every load, with Retry-After: after the retries, the widget offers Try again. */
export const RateLimited: Story = {
  parameters: {
    msw: {
      handlers: {
        account: accountApi(account, {
          load: always(() => failure('rate_limited', { headers: { 'retry-after': '1' } })),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'error', 15_000);
    await expect(errorCode(el)).toBe('rate_limited');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('rate_limited'));
    await expect(view(el).getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(requests('GET', ACCOUNT_PATH)).toHaveLength(3);
  },
};

/** 500 on load, then the service recovers: Try again shows the details. */
export const ServerErrorOnLoad: Story = {
  parameters: {
    msw: {
      handlers: {
        account: accountApi(account, { load: first(3, () => failure('internal_error')) }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'error', 15_000);
    await expect(view(el).getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
    await userEvent.click(view(el).getByRole('button', { name: 'Try again' }));
    await settled(el, 'viewing');
    await expect(details(el)).toContain('Nordlicht Analytics GmbH');
  },
};

/** 404: an account the token may not reach. Nothing to retry. */
export const NotFound: Story = {
  args: { accountId: 'acct_SomeoneElse00001' },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'error');
    await expect(view(el).getByRole('alert')).toHaveTextContent(en['account.errorNotFound']);
    await expect(view(el).queryByRole('button')).toBeNull();
  },
};

/** The API answers an account that breaks the v1 contract: refused, not shown. */
export const SchemaMismatch: Story = {
  parameters: {
    msw: {
      handlers: {
        account: accountApi(account, {
          load: always(() => malformed(Account, { ...account, billing_email: 'not-an-email' })),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'error');
    await expect(errorCode(el)).toBe('schema_mismatch');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('schema_mismatch'));
  },
};

/** The reference data fails: the form still works, with country and region as codes. */
export const ReferenceDataUnavailable: Story = {
  parameters: {
    msw: {
      handlers: { reference: reference({ down: true }) },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing', 15_000);
    await openEditor(el);
    await expect(view(el).getByLabelText('Country')).toHaveValue('DE');
    await expect(view(el).getByLabelText('Country')).toHaveAccessibleDescription(
      'Two-letter code, e.g. DE.',
    );
  },
};

// --- tokens --------------------------------------------------------------------------------------

/** 401 token_expired on load: one new token, the same request again. */
export const TokenExpiredThenRefreshed: Story = {
  parameters: {
    msw: {
      handlers: {
        account: accountApi(account, { load: first(1, () => failure('token_expired')) }),
      },
    },
  },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    const tokens = requests('POST', '/api/widget-token');
    await expect(tokens).toHaveLength(2);
    await expect(requests('GET', ACCOUNT_PATH).map((r) => r.status)).toEqual([401, 200]);
    await expect(args.onTesseraError).not.toHaveBeenCalled();
    await expect(el.state.status).toBe('viewing');
  },
};

/** A short-lived token is renewed while the customer types; the save uses the new one. */
export const TokenRefreshedBeforeExpiry: Story = {
  parameters: {
    msw: { handlers: { token: tokenEndpoint({ scopes: FULL, ttlSeconds: [3, 300] }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', NEW_EMAIL);
    await until(
      () => requests('POST', '/api/widget-token').length === 2,
      () => 'the token was not renewed before it expired',
      5_000,
    );
    await save(el);
    await settled(el, 'saved');
    const [, fresh] = requests('POST', '/api/widget-token');
    await expect(requests('PATCH', ACCOUNT_PATH)[0]?.token).toBe(fresh?.token);
  },
};

/** The token expired (401) and the partner backend is down: the draft stays, with a message. */
export const TokenExpiredBackendDown: Story = {
  parameters: {
    msw: {
      handlers: {
        token: tokenEndpoint({ scopes: FULL, fail: 503, failFrom: 2 }),
        account: accountApi(account, { save: always(() => failure('token_expired')) }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', NEW_EMAIL);
    await save(el);
    await expect(errorCode(el)).toBe('token_fetch_failed');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('token_fetch_failed'));
    await expect(view(el).getByLabelText('Billing email')).toHaveValue(NEW_EMAIL);
  },
};

/** The partner's token endpoint fails from the start. */
export const TokenEndpointFails: Story = {
  parameters: {
    msw: { handlers: { token: tokenEndpoint({ scopes: FULL, fail: 503 }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'error');
    await expect(errorCode(el)).toBe('token_fetch_failed');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('token_fetch_failed'));
    await expect(view(el).getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

// --- content, languages, looks -------------------------------------------------------------------

export const LongNames: Story = {
  parameters: { msw: { handlers: { account: accountApi(longNamesAccount) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await expect(details(el)).toContain(longNamesAccount.legal_name);
    await expect(details(el)).toContain(longNamesAccount.billing_email);
  },
};

async function inLanguage(canvas: HTMLElement, title: string, edit: string) {
  const el = await settled(await accountIn(canvas), 'viewing');
  await until(
    () => view(el).queryByRole('heading', { name: title }) !== null,
    () => `the heading never read "${title}"`,
  );
  await expect(view(el).getByRole('button', { name: edit })).toBeVisible();
  return el;
}

export const German: Story = {
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const el = await inLanguage(canvasElement, 'Rechnungsdaten', 'Daten bearbeiten');
    await expect(details(el)).toContain('Deutschland');
  },
};

export const French: Story = {
  globals: { locale: 'fr' },
  play: async ({ canvasElement }) => {
    const el = await inLanguage(canvasElement, 'Informations de facturation', 'Modifier');
    await expect(details(el)).toContain('Allemagne');
  },
};

export const Spanish: Story = {
  globals: { locale: 'es' },
  play: async ({ canvasElement }) => {
    const el = await inLanguage(canvasElement, 'Datos de facturación', 'Editar datos');
    await expect(details(el)).toContain('Alemania');
  },
};

export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    const base = el.shadowRoot?.querySelector('[part~="base"]');
    await expect(base && getComputedStyle(base).direction).toBe('rtl');
    const germany = new Intl.DisplayNames(['ar'], { type: 'region' }).of('DE') ?? 'DE';
    await expect(details(el)).toContain(germany);
  },
};

export const Dark: Story = {
  globals: { appearance: 'dark' },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await expect(el.shadowRoot?.querySelector('[part~="base"]')).toHaveClass('dark');
  },
};

export const Unstyled: Story = {
  globals: { appearance: 'unstyled' },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await expect(el).toHaveAttribute('unstyled');
    const base = el.shadowRoot?.querySelector('[part~="base"]');
    await expect(base && getComputedStyle(base).borderStyle).toBe('none');
  },
};

export const CustomTheme: Story = {
  decorators: [(story) => html`${customTheme('tessera-account')}${story()}`],
  args: { footer: 'Changes apply to invoices issued from tomorrow.' },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    const edit = view(el).getByRole('button', { name: 'Edit details' });
    await expect(getComputedStyle(edit).textTransform).toBe('uppercase');
    await expect(getComputedStyle(edit).backgroundColor).toBe('rgb(122, 62, 0)');
  },
};

// --- the real stack -------------------------------------------------------------------------------

/** The demo customer's account on a running `npm start` (not run as a test). */
export const Live: StoryObj<AccountArgs> = {
  tags: ['!test', '!autodocs', 'live'],
  loaders: [liveStack],
  render: (args, context) => {
    const live = (context.loaded as { live: LiveStack }).live;
    if (!live.ok) return noStack(live.reason);
    return html`<tessera-account
      account-id=${live.accountId}
      api-base=${LIVE.apiBase()}
      token-url=${LIVE.tokenUrl('account')}
      ?unstyled=${unstyled(context)}
      @tessera-ready=${args.onTesseraReady}
      @tessera-change=${args.onTesseraChange}
      @tessera-success=${args.onTesseraSuccess}
      @tessera-error=${args.onTesseraError}
    ></tessera-account>`;
  },
};
