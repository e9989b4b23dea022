import type { Context } from 'hono';
import { OnboardingApplication, OnboardingPatch, TesseraError } from '../../../contracts/index.ts';
import { readBody, readJson } from '../../../service-kit/http/body.ts';
import {
  ownApplication,
  saveDraft,
  startOnboarding,
  submitOnboarding,
} from '../../domain/onboarding.ts';
import { id, send, type RouteHandler, type RouteKit } from '../context.ts';
import { ifMatch } from '../preconditions.ts';

export function onboardingRoutes({ deps, actorOf, mutate }: RouteKit) {
  return {
    startOnboarding: async (c) => {
      await readOptionalEmptyBody(c);
      return mutate(c, async (repo, who) => {
        const { application, created } = await startOnboarding(repo, who);
        return { status: created ? 201 : 200, schema: OnboardingApplication, body: application };
      });
    },
    getOnboarding: async (c) =>
      send(c, OnboardingApplication, await ownApplication(deps.store, actorOf(c), id(c))),
    saveOnboardingStep: async (c) => {
      const version = ifMatch(c, true)!;
      const body = await readJson(c, OnboardingPatch);
      return mutate(c, async (repo, who) => ({
        status: 200,
        schema: OnboardingApplication,
        body: await saveDraft(repo, who, id(c), body, version),
      }));
    },
    submitOnboarding: async (c) => {
      await readOptionalEmptyBody(c);
      const version = ifMatch(c, false);
      return mutate(c, async (repo, who) => ({
        status: 200,
        schema: OnboardingApplication,
        body: await submitOnboarding(repo, who, id(c), version),
      }));
    },
  } satisfies Record<string, RouteHandler>;
}

/** Start and submit take no body; one that is sent must be empty JSON, not something ignored. */
export async function readOptionalEmptyBody(c: Context): Promise<void> {
  const text = new TextDecoder().decode(await readBody(c));
  if (text.trim() === '' || /^\s*\{\s*\}\s*$/.test(text)) return;
  throw new TesseraError('validation_failed', 'This endpoint takes no body (send none, or `{}`).', {
    fields: [{ path: '(body)', code: 'unexpected_body', message: 'no body expected' }],
  });
}
