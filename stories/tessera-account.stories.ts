import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent } from 'storybook/test';
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
  malformed,
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
  answered,
  sharedStories,
  widgetMeta,
  type WidgetArgs,
  type WidgetSpec,
} from './shared/widget-stories.ts';

interface AccountArgs extends WidgetArgs {
  accountId: string;
}

type Story = StoryObj<AccountArgs>;

const FULL = ['account:read', 'account:write'] as const;
const NEW_EMAIL = 'ap@nordlicht-analytics.example';

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

/** The details show the country by its name in the widget's language. */
const country = (name: string) => async (el: TesseraAccount) => {
  await expect(details(el)).toContain(name);
};

async function save(el: TesseraAccount) {
  await userEvent.click(view(el).getByRole('button', { name: 'Save changes' }));
  await until(
    () => el.state.status !== 'saving',
    () => 'still saving',
    15_000,
  );
  await el.updateComplete;
}

const spec: WidgetSpec<AccountArgs, TesseraAccount, Account> = {
  tag: 'tessera-account',
  id: { arg: 'accountId', attribute: 'account-id', initial: account.id },
  slots: ['footer'],
  scopes: FULL,
  api: { account: accountApi(account) },
  ready: 'viewing',
  load: {
    method: 'GET',
    path: ACCOUNT_PATH,
    answering: (load) => ({ account: accountApi(account, { load }) }),
    loadingTitle: 'Loading billing details…',
  },
  save: {
    method: 'PATCH',
    path: ACCOUNT_PATH,
    answering: (save) => ({ account: accountApi(account, { save }) }),
    fill: async (el) => {
      await openEditor(el);
      await retype(el, 'Billing email', NEW_EMAIL);
    },
    submit: save,
    saved: async (el) => {
      await settled(el, 'saved');
    },
    recovery: {
      failed: 'editing',
      notSaved: en['account.notSaved'],
      kept: { label: 'Billing email', value: NEW_EMAIL },
      retry: save,
    },
  },
  tokenExpiresOn: 'load',
  malformed: () => malformed(Account, { ...account, billing_email: 'not-an-email' }),
  notFound: { args: { accountId: 'acct_SomeoneElse00001' }, message: en['account.errorNotFound'] },
  recovered: async (el) => {
    await expect(details(el)).toContain('Nordlicht Analytics GmbH');
  },
  theme: { button: 'Edit details', footer: 'Changes apply to invoices issued from tomorrow.' },
  languages: {
    de: { title: 'Rechnungsdaten', action: 'Daten bearbeiten', then: country('Deutschland') },
    fr: { title: 'Informations de facturation', action: 'Modifier', then: country('Allemagne') },
    es: { title: 'Datos de facturación', action: 'Editar datos', then: country('Alemania') },
  },
  rightToLeft: {
    check: country(new Intl.DisplayNames(['ar'], { type: 'region' }).of('DE') ?? 'DE'),
  },
  live: { widget: 'account', id: (live) => live.accountId },
};

const meta: Meta<AccountArgs> = { title: 'Widgets/Account', ...widgetMeta(spec) };
export default meta;
const shared = sharedStories(spec);

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
  parameters: answered(spec.save, theirs),
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
  parameters: answered(
    spec.save,
    elsewhere((current) => ({
      ...current,
      billing_email: 'theirs@nordlicht-analytics.example',
      version: current.version + 1,
    })),
  ),
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
  parameters: answered(
    spec.save,
    elsewhere((current) => ({
      ...current,
      billing_email: NEW_EMAIL,
      version: current.version + 1,
    })),
  ),
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

/** 403 insufficient_scope on save: the customer may not change these details after all. */
export const ForbiddenOnSave: Story = {
  parameters: answered(
    spec.save,
    always(() => failure('insufficient_scope')),
  ),
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await openEditor(el);
    await retype(el, 'Billing email', NEW_EMAIL);
    await save(el);
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('insufficient_scope'));
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

// --- content, languages, looks -------------------------------------------------------------------

export const LongNames: Story = {
  parameters: { msw: { handlers: { account: accountApi(longNamesAccount) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await accountIn(canvasElement), 'viewing');
    await expect(details(el)).toContain(longNamesAccount.legal_name);
    await expect(details(el)).toContain(longNamesAccount.billing_email);
  },
};

// --- what every widget shows alike (shared/widget-stories.ts) -----------------------------------

export const Loading = shared.Loading;
export const TokenExpiredThenRefreshed = shared.TokenExpiredThenRefreshed;
export const TokenRefreshedBeforeExpiry = shared.TokenRefreshedBeforeExpiry;
export const TokenEndpointFails = shared.TokenEndpointFails;
export const NotFound = shared.NotFound;
export const SchemaMismatch = shared.SchemaMismatch;
export const RateLimited = shared.RateLimited;
export const ServerErrorOnLoad = shared.ServerError;
export const NetworkError = shared.NetworkError;
export const NetworkErrorOnSave = shared.NetworkErrorOnSave;
export const ServerErrorOnSave = shared.ServerErrorOnSave;
export const German = shared.German;
export const French = shared.French;
export const Spanish = shared.Spanish;
export const RightToLeft = shared.RightToLeft;
export const Dark = shared.Dark;
export const Narrow = shared.Narrow;
export const DarkBrand = shared.DarkBrand;
export const Unstyled = shared.Unstyled;
export const CustomTheme = shared.CustomTheme;
/** The demo customer's account on a running `npm start` (not run as a test). */
export const Live: Story = { ...shared.Live, tags: ['!test', '!autodocs', 'live'] };
