#!/usr/bin/env node
// The `tessera` command. The sources are TypeScript; tsx runs them without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
await main(process.argv);
