import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect } from 'storybook/test';
import '../widgets/account/define.ts';
import '../widgets/onboarding/define.ts';
import '../widgets/quote/define.ts';
import { account, openQuote, seedApplication } from './fixtures.ts';
import { accountApi, onboardingApi, quoteApi, reference, tokenEndpoint } from './mocks/index.ts';
import { requests, settled, widget, type Widget } from './play.ts';
import { docsFor, unstyled } from './render.ts';

/**
 * `<tessera-provider>` configures the widgets inside it (every story here is inside one: see the
 * decorator in .storybook/preview.ts, which takes the toolbar's locale and appearance).
 */
const meta: Meta = {
  title: 'Widgets/Provider',
  component: 'tessera-provider',
  parameters: {
    docs: docsFor('tessera-provider'),
    msw: {
      handlers: {
        token: tokenEndpoint({
          scopes: [
            'quote:read',
            'quote:accept',
            'onboarding:read',
            'onboarding:write',
            'account:read',
            'account:write',
          ],
        }),
        reference: reference(),
        quote: quoteApi(openQuote),
        onboarding: onboardingApi(seedApplication),
        account: accountApi(account),
      },
    },
  },
};
export default meta;

/** The three widgets of one provider share one token and one session. */
export const ThreeWidgetsOneToken: StoryObj = {
  render: (_args, context) =>
    html`<div style="display: grid; gap: 1rem">
      <tessera-quote quote-id=${openQuote.id} ?unstyled=${unstyled(context)}></tessera-quote>
      <tessera-onboarding ?unstyled=${unstyled(context)}></tessera-onboarding>
      <tessera-account account-id=${account.id} ?unstyled=${unstyled(context)}></tessera-account>
    </div>`,
  play: async ({ canvasElement }) => {
    const [quote, onboarding, details] = await Promise.all(
      ['tessera-quote', 'tessera-onboarding', 'tessera-account'].map((tag) =>
        widget<Widget>(canvasElement, tag),
      ),
    );
    await settled(quote!, 'ready');
    await settled(onboarding!, 'editing');
    await settled(details!, 'viewing');
    await expect(requests('POST', '/api/widget-token')).toHaveLength(1);
  },
};
