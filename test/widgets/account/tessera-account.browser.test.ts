/**
 * `<tessera-account>` as a customer uses it, in real Chromium against the real core API (through
 * the fault proxy, which passes everything through unless a test scripts a fault): view, edit by
 * keyboard, field errors, the unsaved-change guard, a conflict with a change made elsewhere, a
 * read-only token, French, and every fault during a save without losing what was typed.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../widgets/account/define.ts';
import type { TesseraAccount } from '../../../widgets/account/tessera-account.ts';
import { configure } from '../../../widgets/core/configure.ts';
import {
  buttonNamed,
  buttonsNamed,
  byRole,
  deepActiveElement,
  part,
  recordEvents,
  shadowOf,
  tabTo,
  textOf,
  until,
} from '../../support/browser/dom.ts';
import {
  apiEvents,
  demo,
  envelope,
  faults,
  tokenLog,
  tokenUrl,
  type Demo,
  type TokenOptions,
} from '../../support/browser/stack.ts';
import { afterEach, beforeEach, describe, it } from '../../support/browser/mocha.ts';

const SCOPES = ['account:read', 'account:write'];
const SAVE = /^Save changes$/;

function mount(
  d: Demo,
  { token = {}, locale = 'en-US' }: { token?: TokenOptions; locale?: string } = {},
): Promise<TesseraAccount> {
  return fixture<TesseraAccount>(
    html`<tessera-account
      account-id=${d.accountId}
      api-base=${d.faultApiBase}
      token-url=${tokenUrl(d, { scopes: SCOPES, ...token })}
      locale=${locale}
    ></tessera-account>`,
  );
}

/** Waits until the widget is in one of these states and rendered. */
async function settled(el: TesseraAccount, ...statuses: string[]): Promise<TesseraAccount> {
  await until(
    () => statuses.includes(el.state.status),
    `the account never reached ${statuses.join(' or ')} (it is ${el.state.status})`,
  );
  await el.updateComplete;
  return el;
}

function control<T extends HTMLElement = HTMLInputElement>(el: TesseraAccount, id: string): T {
  const found = shadowOf(el).querySelector<T>(`#${id}`);
  if (!found) throw new Error(`#${id} is not rendered`);
  return found;
}

/** Focuses a field and types over its value, as a customer selecting all and typing would. */
async function retype(el: TesseraAccount, id: string, text: string): Promise<void> {
  const input = control(el, id);
  input.focus();
  input.select();
  await sendKeys({ type: text });
  await el.updateComplete;
}

/** Ctrl+A in the focused field. */
async function selectAll(): Promise<void> {
  await sendKeys({ down: 'Control' });
  await sendKeys({ press: 'a' });
  await sendKeys({ up: 'Control' });
}

/** Opens edit mode with the keyboard: Tab to Edit details, Enter. */
async function openEditor(el: TesseraAccount): Promise<void> {
  await tabTo(buttonNamed(el, /^Edit details$/));
  await sendKeys({ press: 'Enter' });
  await settled(el, 'editing');
}

/** The text of an element's description (`aria-describedby`), looked up in the shadow root. */
function description(el: TesseraAccount, control: Element): string {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  return ids.map((id) => shadowOf(el).getElementById(id)?.textContent?.trim() ?? '').join(' ');
}

const accountPath = (d: Demo) => `/v1/accounts/${d.accountId}`;

async function updates(d: Demo) {
  return (await apiEvents(d.accountId)).filter((event) => event.type === 'account.updated');
}

/** Someone else saves the account meanwhile (another tab, the partner's back office). */
async function changeElsewhere(d: Demo, body: unknown, version = 1): Promise<void> {
  const minted = await fetch(tokenUrl(d, { scopes: SCOPES }), { method: 'POST' });
  const { token } = (await minted.json()) as { token: string };
  const response = await fetch(`${d.apiBase}${accountPath(d)}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': crypto.randomUUID(),
      'if-match': `"${version}"`,
    },
    body: JSON.stringify(body),
  });
  expect(response.status, 'the change elsewhere').to.equal(200);
}

describe('<tessera-account> against the real core API', () => {
  let d: Demo;
  let events: ReturnType<typeof recordEvents>;

  beforeEach(async () => {
    await faults.reset();
    d = await demo();
    events = recordEvents();
  });

  afterEach(async () => {
    events.stop();
    await faults.reset();
  });

  it('is accessible in view mode, showing the billing details with the country by name', async () => {
    const el = await settled(await mount(d), 'viewing');
    await expect(el).to.be.accessible();
    const details = part(el, 'details')?.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(details).to.contain('Nordlicht Analytics GmbH');
    expect(details).to.contain('billing@nordlicht-analytics.example');
    expect(details).to.contain('+493012345678');
    expect(details).to.contain('10117 Berlin');
    expect(details).to.contain('Germany');
    expect(details).to.contain('DE123456789');
    expect(shadowOf(el).querySelector('form')).to.equal(null);
    expect(buttonsNamed(el, /^Edit details$/)).to.have.length(1);
  });

  it('edits and saves by keyboard alone; the success is announced and focused', async () => {
    const el = await settled(await mount(d), 'viewing');
    await openEditor(el);
    expect(deepActiveElement(), 'edit moves focus to the first field').to.equal(
      control(el, 'legal-name'),
    );
    expect(el.matches(':state(editing)'), ':state(editing)').to.equal(true);
    expect(el.matches(':state(viewing)'), 'no longer :state(viewing)').to.equal(false);
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()).to.equal(control(el, 'billing-email'));
    await selectAll();
    await sendKeys({ type: 'ap@nordlicht-analytics.example' });
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()).to.equal(control(el, 'phone'));
    await selectAll();
    await sendKeys({ type: '030 9876 5432' });
    const success = oneEvent(el, 'tessera-success');
    await sendKeys({ press: 'Enter' });
    const { detail } = await success;
    expect(detail.widget).to.equal('account');
    expect(detail.changed).to.deep.equal(['billingEmail', 'phone']);
    expect(detail.account.phone, 'normalised to E.164').to.equal('+493098765432');

    await settled(el, 'saved');
    expect(el.matches(':state(saved)') && el.matches(':state(ready)'), ':state(saved)').to.equal(
      true,
    );
    expect(el.matches(':state(editing)'), 'no longer :state(editing)').to.equal(false);
    const message = part(el, 'success');
    expect(message?.textContent?.trim()).to.equal('Your changes were saved.');
    expect(deepActiveElement(), 'save moves focus to the success message').to.equal(message);
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('Your changes were saved.');
    expect(part(el, 'details')?.textContent).to.contain('ap@nordlicht-analytics.example');
    await expect(el).to.be.accessible();
    expect(await updates(d)).to.have.length(1);
    const [patch] = await faults.log('PATCH', accountPath(d));
    expect(patch?.status).to.equal(200);
  });

  it('shows field errors with aria-invalid and a described message, focuses the first, and sends nothing', async () => {
    const el = await settled(await mount(d), 'viewing');
    await openEditor(el);
    await retype(el, 'billing-email', 'not an email');
    await retype(el, 'phone', 'call me maybe');
    buttonNamed(el, SAVE).click();
    await until(() => el.state.status === 'editing' && el.state.fieldErrors, 'no field errors');
    await el.updateComplete;

    const email = control(el, 'billing-email');
    const phone = control(el, 'phone');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    expect(phone.getAttribute('aria-invalid')).to.equal('true');
    expect(control(el, 'legal-name').getAttribute('aria-invalid')).to.equal('false');
    expect(description(el, email)).to.contain('Enter an email address like name@example.com.');
    expect(description(el, phone)).to.contain('Enter a phone number with its country code');
    expect(deepActiveElement(), 'focus on the first invalid field').to.equal(email);
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal(
      'Please correct the highlighted fields.',
    );
    expect(email.value, 'what was typed stays').to.equal('not an email');
    await expect(el).to.be.accessible();
    expect(await faults.log('PATCH')).to.deep.equal([]);
    expect(events.of<{ status: string }>('tessera-change').map((c) => c.status)).to.not.include(
      'saving',
    );
  });

  it('asks in the widget before discarding unsaved changes (Escape or Cancel), by keyboard', async () => {
    const el = await settled(await mount(d), 'viewing');
    const confirm = window.confirm.bind(window);
    window.confirm = () => {
      throw new Error('window.confirm must not be used');
    };
    try {
      await openEditor(el);
      await retype(el, 'city', 'Hamburg');
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      const dialog = part(el, 'confirm');
      expect(dialog?.getAttribute('role')).to.equal('alertdialog');
      expect(description(el, dialog!)).to.contain('have not been saved');
      expect(
        shadowOf(el).getElementById(dialog!.getAttribute('aria-labelledby')!)?.textContent,
      ).to.equal('Discard your changes?');
      expect(deepActiveElement(), 'the safe choice has focus').to.equal(
        buttonNamed(el, /^Keep editing$/),
      );
      expect(control(el, 'city').closest('fieldset')?.inert, 'the form waits').to.equal(true);
      await expect(el).to.be.accessible();

      // Keep editing: back to the form, with what was typed.
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(part(el, 'confirm')).to.equal(null);
      expect(control(el, 'city').value).to.equal('Hamburg');
      expect(deepActiveElement()).to.equal(buttonNamed(el, /^Cancel$/));

      // Cancel asks again; Shift+Tab to Discard changes, Enter.
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(part(el, 'confirm')).to.not.equal(null);
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ up: 'Shift' });
      expect(deepActiveElement()).to.equal(buttonNamed(el, /^Discard changes$/));
      await sendKeys({ press: 'Enter' });
      await settled(el, 'viewing');
      expect(part(el, 'details')?.textContent).to.contain('10117 Berlin');
      expect(deepActiveElement()).to.equal(buttonNamed(el, /^Edit details$/));
    } finally {
      window.confirm = confirm;
    }
    expect(await faults.log('PATCH')).to.deep.equal([]);
  });

  it('leaves edit mode at once when nothing was changed', async () => {
    const el = await settled(await mount(d), 'viewing');
    await openEditor(el);
    await retype(el, 'city', 'Berlin ');
    await sendKeys({ press: 'Escape' });
    await settled(el, 'viewing');
    expect(part(el, 'confirm')).to.equal(null);
    expect(deepActiveElement()).to.equal(buttonNamed(el, /^Edit details$/));
  });

  it('a change made elsewhere is shown, field by field; Keep my changes saves mine over it', async () => {
    const el = await settled(await mount(d), 'viewing');
    await openEditor(el);
    await retype(el, 'billing-email', 'mine@nordlicht-analytics.example');
    await changeElsewhere(d, {
      billing_email: 'theirs@nordlicht-analytics.example',
      legal_name: 'Nordlicht Analytics SE',
    });
    await sendKeys({ press: 'Enter' });
    await settled(el, 'conflict');
    expect(el.matches(':state(conflict)'), ':state(conflict)').to.equal(true);

    expect(deepActiveElement()).to.equal(control(el, 'conflict-title'));
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal(
      'These details were changed elsewhere',
    );
    const rows = [...shadowOf(el).querySelectorAll('[part~="conflict-field"]')].map((row) =>
      [...row.children].map((cell) => cell.textContent?.trim()),
    );
    expect(rows).to.deep.equal([
      ['Legal name', 'Nordlicht Analytics SE', 'Not changed by you'],
      ['Billing email', 'theirs@nordlicht-analytics.example', 'mine@nordlicht-analytics.example'],
    ]);
    expect(events.of<{ code: string }>('tessera-error').map((e) => e.code)).to.deep.equal([
      'version_conflict',
    ]);
    await expect(el).to.be.accessible();

    await tabTo(buttonNamed(el, /^Keep my changes$/));
    await sendKeys({ press: 'Enter' });
    await settled(el, 'saved');
    if (el.state.status !== 'saved') return;
    expect(el.state.account.billing_email).to.equal('mine@nordlicht-analytics.example');
    expect(el.state.account.legal_name, 'their other change stays').to.equal(
      'Nordlicht Analytics SE',
    );
    expect(deepActiveElement()).to.equal(part(el, 'success'));
    expect(await updates(d)).to.have.length(2);
  });

  it('Use the new values puts them in the form, keeps my other edits, and sends nothing by itself', async () => {
    const el = await settled(await mount(d), 'viewing');
    await openEditor(el);
    await retype(el, 'billing-email', 'mine@nordlicht-analytics.example');
    await retype(el, 'city', 'Potsdam');
    await changeElsewhere(d, { billing_email: 'theirs@nordlicht-analytics.example' });
    buttonNamed(el, SAVE).click();
    await settled(el, 'conflict');
    const sent = (await faults.log('PATCH')).length;

    buttonNamed(el, /^Use the new values$/).click();
    await settled(el, 'editing');
    expect(control(el, 'billing-email').value).to.equal('theirs@nordlicht-analytics.example');
    expect(control(el, 'city').value, 'my other edit stays').to.equal('Potsdam');
    expect(deepActiveElement()).to.equal(control(el, 'billing-email'));
    expect(await faults.log('PATCH')).to.have.length(sent);

    buttonNamed(el, SAVE).click();
    await settled(el, 'saved');
    if (el.state.status !== 'saved') return;
    expect(el.state.account.billing_email).to.equal('theirs@nordlicht-analytics.example');
    expect(el.state.account.billing_address.city).to.equal('Potsdam');
  });

  it('without account:write shows the details read-only, without an Edit button', async () => {
    const el = await settled(await mount(d, { token: { scopes: ['account:read'] } }), 'viewing');
    expect(textOf(el)).to.contain('You can view these details, but not change them.');
    expect(buttonsNamed(el, /Edit/)).to.deep.equal([]);
    expect(part(el, 'details')?.textContent).to.contain('Nordlicht Analytics GmbH');
    expect(events.of('tessera-error')).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('an account the token may not reach shows an alert without Retry', async () => {
    const other = await demo();
    const el = await settled(
      await fixture<TesseraAccount>(
        html`<tessera-account
          account-id=${other.accountId}
          api-base=${d.faultApiBase}
          token-url=${tokenUrl(d, { scopes: SCOPES })}
          locale="en-US"
        ></tessera-account>`,
      ),
      'error',
    );
    expect(byRole(el, 'alert')?.textContent).to.contain('This account could not be found.');
    expect(buttonsNamed(el, /^Try again$/)).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('speaks French with locale="fr": labels, country names, field errors and the saved message', async () => {
    const el = await settled(await mount(d, { locale: 'fr' }), 'viewing');
    await until(() => textOf(el).includes('Informations de facturation'), 'no French text');
    expect(textOf(el)).to.contain('Allemagne');
    await tabTo(buttonNamed(el, /^Modifier$/));
    await sendKeys({ press: 'Enter' });
    await settled(el, 'editing');
    expect(shadowOf(el).querySelector('label[for="legal-name"]')?.textContent).to.equal(
      'Raison sociale',
    );
    const country = control<HTMLSelectElement>(el, 'country');
    expect(country.selectedOptions[0]?.textContent?.trim()).to.equal('Allemagne');
    await retype(el, 'billing-email', 'pas-un-email');
    buttonNamed(el, /^Enregistrer les modifications$/).click();
    await until(() => el.state.status === 'editing' && el.state.fieldErrors, 'no field errors');
    await el.updateComplete;
    expect(description(el, control(el, 'billing-email'))).to.contain(
      'Saisissez une adresse e-mail',
    );
    await expect(el).to.be.accessible();

    await retype(el, 'billing-email', 'facturation@nordlicht-analytics.example');
    buttonNamed(el, /^Enregistrer les modifications$/).click();
    await settled(el, 'saved');
    expect(part(el, 'success')?.textContent?.trim()).to.equal(
      'Vos modifications ont été enregistrées.',
    );
    await expect(el).to.be.accessible();
  });

  it('what was typed survives the widget being moved in the page', async () => {
    const el = await settled(await mount(d), 'viewing');
    await openEditor(el);
    await retype(el, 'city', 'Potsdam');
    const loads = (await faults.log('GET', accountPath(d))).length;
    const parent = el.parentNode!;
    el.remove();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    parent.appendChild(el);
    await el.updateComplete;
    expect(el.state.status).to.equal('editing');
    expect(control(el, 'city').value).to.equal('Potsdam');
    expect(await faults.log('GET', accountPath(d))).to.have.length(loads);
  });

  it('a new country offers its own regions and drops the old one', async () => {
    const el = await settled(await mount(d), 'viewing');
    await openEditor(el);
    const country = control<HTMLSelectElement>(el, 'country');
    country.focus();
    country.value = 'US';
    country.dispatchEvent(new Event('change', { bubbles: true }));
    await el.updateComplete;
    const region = control<HTMLSelectElement>(el, 'region');
    expect(region.value, 'DE-BE is no US state').to.equal('');
    const names = [...region.options].map((option) => option.textContent?.trim());
    expect(names).to.include('California');
    expect(names).to.not.include('Berlin');
  });
});

describe('<tessera-account> when a save fails: nothing typed is lost', () => {
  let d: Demo;
  let events: ReturnType<typeof recordEvents>;

  beforeEach(async () => {
    await faults.reset();
    d = await demo();
    events = recordEvents();
  });

  afterEach(async () => {
    events.stop();
    await faults.reset();
  });

  /** Edit mode with two changed fields, as typed. */
  async function typed(el: TesseraAccount): Promise<void> {
    await openEditor(el);
    await retype(el, 'billing-email', 'ap@nordlicht-analytics.example');
    await retype(el, 'city', 'Potsdam');
  }

  function expectTyped(el: TesseraAccount): void {
    expect(control(el, 'billing-email').value).to.equal('ap@nordlicht-analytics.example');
    expect(control(el, 'city').value).to.equal('Potsdam');
  }

  /** Save changes, by keyboard. */
  async function save(el: TesseraAccount): Promise<void> {
    await tabTo(buttonNamed(el, SAVE));
    await sendKeys({ press: 'Enter' });
  }

  it('network down mid-save: an alert, the fields keep what was typed, and Save again sends it once', async () => {
    await faults.add({ method: 'PATCH', path: accountPath(d), drop: true, times: 1000 });
    const el = await settled(await mount(d), 'viewing');
    await typed(el);
    await save(el);
    await until(() => el.state.status === 'editing' && el.state.error, 'no failure shown');
    await el.updateComplete;
    expect(byRole(el, 'alert')?.textContent).to.match(
      /Your changes were not saved\.\s+The service could not be reached/,
    );
    expect(deepActiveElement(), 'focus on the alert').to.equal(byRole(el, 'alert'));
    expectTyped(el);
    expect(events.of<{ code: string }>('tessera-error').map((e) => e.code)).to.deep.equal([
      'network_error',
    ]);
    const failed = await faults.log('PATCH', accountPath(d));
    expect(failed.length, 'retried on its own first').to.be.greaterThan(1);
    await expect(el).to.be.accessible();

    await faults.reset();
    await save(el);
    await settled(el, 'saved');
    const [sent] = await faults.log('PATCH', accountPath(d));
    expect(sent?.status).to.equal(200);
    expect(sent?.idempotencyKey).to.equal(failed[0]?.idempotencyKey);
    expect(await updates(d)).to.have.length(1);
    expect(part(el, 'details')?.textContent).to.contain('ap@nordlicht-analytics.example');
  });

  it('answer lost after the API saved: Save again replays it, saved exactly once', async () => {
    await faults.add({ method: 'PATCH', path: accountPath(d), dropResponse: true, times: 1000 });
    const el = await settled(await mount(d), 'viewing');
    await typed(el);
    await save(el);
    await until(() => el.state.status === 'editing' && el.state.error, 'no failure shown');
    await el.updateComplete;
    expectTyped(el);
    expect(await updates(d), 'the API did save it').to.have.length(1);

    await faults.reset();
    await save(el);
    await settled(el, 'saved');
    const [replayed] = await faults.log('PATCH', accountPath(d));
    expect(replayed?.replayed).to.equal(true);
    expect(await updates(d)).to.have.length(1);
  });

  it('500 on save: says the service had a problem, keeps the draft, and saves once with the same key', async () => {
    await faults.add({
      method: 'PATCH',
      path: accountPath(d),
      status: 500,
      body: envelope('internal_error'),
      times: 1000,
    });
    const el = await settled(await mount(d), 'viewing');
    await typed(el);
    await save(el);
    await until(() => el.state.status === 'editing' && el.state.error, 'no failure shown');
    await el.updateComplete;
    expect(byRole(el, 'alert')?.textContent).to.contain('The service had a problem.');
    expectTyped(el);
    await expect(el).to.be.accessible();

    await faults.reset();
    await save(el);
    await settled(el, 'saved');
    const keys = new Set((await faults.log('PATCH')).map((entry) => entry.idempotencyKey));
    expect(keys.size).to.equal(1);
    expect(await updates(d)).to.have.length(1);
  });

  it('Enter pressed twice on Save sends one PATCH', async () => {
    await faults.add({ method: 'PATCH', path: accountPath(d), hold: true, times: 10 });
    const el = await settled(await mount(d), 'viewing');
    await typed(el);
    await tabTo(buttonNamed(el, SAVE));
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Enter' });
    await until(async () => (await faults.log('PATCH')).length > 0, 'nothing was sent');
    await el.updateComplete;
    const busy = shadowOf(el).querySelector('[aria-busy="true"]');
    expect(busy, 'busy while saving').to.not.equal(null);
    expect(busy?.contains(byRole(el, 'status')), 'the announcement is not held back').to.equal(
      false,
    );
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('Saving your changes…');
    await faults.release();
    await settled(el, 'saved', 'editing');
    expect(el.state.status).to.equal('saved');
    expect(await faults.log('PATCH')).to.have.length(1);
  });

  it('token lifetime runs out while the customer types (ttl=5): nothing is lost, and the save goes through', async () => {
    const el = await settled(await mount(d, { token: { ttl: 5 } }), 'viewing');
    await typed(el);
    const [first] = await tokenLog(d.accountId);
    const firstExpiry = Date.parse(first!.expires_at!);
    await until(() => Date.now() > firstExpiry + 500, 'the first token never expired');
    await el.updateComplete;
    expectTyped(el);
    await save(el);
    await settled(el, 'saved', 'editing');
    expect(el.state.status).to.equal('saved');
    const [sent] = await faults.log('PATCH', accountPath(d));
    expect(sent?.token?.exp).to.be.greaterThan(firstExpiry / 1000);
    expect(events.of('tessera-error')).to.deep.equal([]);
  });

  it('token expired (401) while the partner backend is down: the draft stays; Save again saves it', async () => {
    let backendDown = false;
    configure({
      apiBase: d.faultApiBase,
      locale: 'en-US',
      fetchToken: async () => {
        if (backendDown) throw new Error('The partner backend is down.');
        const response = await fetch(tokenUrl(d, { scopes: SCOPES }), { method: 'POST' });
        return (await response.json()) as { token: string; expires_at: string };
      },
    });
    const el = await settled(
      await fixture<TesseraAccount>(
        html`<tessera-account account-id=${d.accountId}></tessera-account>`,
      ),
      'viewing',
    );
    await typed(el);
    backendDown = true;
    await faults.add({
      method: 'PATCH',
      path: accountPath(d),
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      body: envelope('token_expired'),
    });
    await save(el);
    await until(() => el.state.status === 'editing' && el.state.error, 'no failure shown');
    await el.updateComplete;
    expect(byRole(el, 'alert')?.textContent).to.contain('Your session could not be renewed.');
    expectTyped(el);
    expect(events.of<{ code: string }>('tessera-error').map((e) => e.code)).to.deep.equal([
      'token_fetch_failed',
    ]);
    await expect(el).to.be.accessible();

    backendDown = false;
    await save(el);
    await settled(el, 'saved');
    const [expired, ok] = await faults.log('PATCH', accountPath(d));
    expect(expired?.status).to.equal(401);
    expect(ok?.status).to.equal(200);
    expect(ok?.idempotencyKey).to.equal(expired?.idempotencyKey);
    expect(await updates(d)).to.have.length(1);
  });
});
