/**
 * The widgets' public styling surface as their JSDoc declares it (`@csspart`, `@cssproperty`,
 * `@slot`), and the global `--tessera-*` tokens the shared theme reads: what docs/theming.md
 * must list and what a CSS sample may name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stack.ts';

export interface WidgetApi {
  tag: string;
  parts: Map<string, string>;
  properties: Map<string, string>;
  slots: Map<string, string>;
}

function tagged(source: string, tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of source.matchAll(
    new RegExp(`^\\s*\\*\\s*@${tag}\\s+(\\S+)\\s+-\\s+(.*)$`, 'gm'),
  ))
    found.set(match[1]!, match[2]!.trim());
  return found;
}

/** Every `widgets/<name>/tessera-<name>.ts` element, by tag. */
export function widgetApis(): WidgetApi[] {
  const dir = join(ROOT, 'widgets');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const file = join(dir, entry.name, `tessera-${entry.name}.ts`);
      let source: string;
      try {
        source = readFileSync(file, 'utf8');
      } catch {
        return [];
      }
      return [
        {
          tag: `tessera-${entry.name}`,
          parts: tagged(source, 'csspart'),
          properties: tagged(source, 'cssproperty'),
          slots: tagged(source, 'slot'),
        },
      ];
    })
    .sort((a, b) => a.tag.localeCompare(b.tag));
}

/** The page-wide tokens every widget falls back to (`--tessera-font`, `--tessera-color-accent`…). */
export function globalTokens(): string[] {
  const theme = readFileSync(join(ROOT, 'widgets/core/theme.ts'), 'utf8');
  return [...new Set([...theme.matchAll(/--tessera-[a-z][a-z-]*/g)].map((m) => m[0]))].sort();
}
