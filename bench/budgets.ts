/**
 * The size budgets of what ships to browsers, gzip -9 of an English page, in KB (1024 B): the one
 * place `npm run bench:bundle` prints against and `test/bundle/budgets.test.ts` enforces.
 *
 * `goal` is where an entry is meant to be. Where it is not there yet, `ceiling` is the figure last
 * measured rounded up to the next 0.5 KB, with the reason: the test then enforces the ceiling, so
 * a size can only go down, and whoever brings an entry under its goal drops the ceiling.
 */
export interface Budget {
  /** The file a page loads: an ESM entry (with every chunk it imports) or the classic script. */
  file: string;
  goal: number;
  ceiling?: { kb: number; reason: string };
}

export const BUDGETS: readonly Budget[] = [
  {
    file: 'tessera.js',
    goal: 30,
    ceiling: {
      kb: 37.5,
      reason:
        "every widget's own code in one file (≈ 31.5 KB beside Lit's 5.7) (+0.6–1.2 KB since server rendering: starting from the server’s data, the no-script note)",
    },
  },
  {
    file: 'tessera.iife.js',
    goal: 32,
    ceiling: {
      kb: 37.5,
      reason: 'as tessera.js, plus the classic-script wrapper; languages are separate files',
    },
  },
  {
    file: 'quote.js',
    goal: 22,
  },
  {
    file: 'onboarding.js',
    goal: 26,
    ceiling: {
      kb: 30,
      reason:
        'the largest widget (fields, steps, tax ids, phone numbers), in three files (+0.6–1.2 KB since server rendering: starting from the server’s data, the no-script note)',
    },
  },
  {
    file: 'account.js',
    goal: 24,
    ceiling: {
      kb: 25.5,
      reason:
        'the account form and conflict view (phone numbers), in three files (+0.6–1.2 KB since server rendering: starting from the server’s data, the no-script note)',
    },
  },
];

/** What the test enforces: the ceiling while there is one, else the goal. */
export function limitKb(budget: Budget): number {
  return budget.ceiling?.kb ?? budget.goal;
}
