import { Account, AccountUpdate } from '../../../contracts/index.ts';
import { readJson } from '../../../service-kit/http/body.ts';
import { ownAccount, updateAccount } from '../../domain/accounts.ts';
import { id, send, type RouteHandler, type RouteKit } from '../context.ts';
import { ifMatch } from '../preconditions.ts';

export function accountRoutes({ deps, actorOf, mutate }: RouteKit) {
  return {
    getAccount: async (c) => send(c, Account, await ownAccount(deps.store, actorOf(c), id(c))),
    updateAccount: async (c) => {
      const version = ifMatch(c, true)!;
      const body = await readJson(c, AccountUpdate);
      return mutate(c, async (repo, who) => ({
        status: 200,
        schema: Account,
        body: await updateAccount(repo, who, id(c), body, version),
      }));
    },
  } satisfies Record<string, RouteHandler>;
}
