import { InvalidArgumentError, type Command } from 'commander';

/** What the `tessera` program gives each service's commands: its output and global options. */
export interface CliIo {
  /** `human()` for people, `value` as JSON under `--json`. */
  print: (command: Command, value: unknown, human: () => string) => void;
  globals: (command: Command) => { json?: boolean; dataDir?: string };
}

export function portOption(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new InvalidArgumentError('must be a port number (0–65535).');
  return parsed;
}
