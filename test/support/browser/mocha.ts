/**
 * web-test-runner's Mocha globals, typed here so the rest of the project (node:test) does not see
 * ambient `describe`/`it`. Mocha sets them before a test file is imported.
 */
type Body = () => void | Promise<void>;

interface MochaGlobals {
  describe: (title: string, body: () => void) => void;
  it: (title: string, body: Body) => void;
  before: (body: Body) => void;
  after: (body: Body) => void;
  beforeEach: (body: Body) => void;
  afterEach: (body: Body) => void;
}

export const { describe, it, before, after, beforeEach, afterEach } =
  globalThis as unknown as MochaGlobals;
