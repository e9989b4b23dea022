// `react/jsx-runtime` for the stand-in React (./react.d.ts): where the JSX types come from.
import type { JSX } from './react.d.ts';

export type { JSX };
export function jsx(type: unknown, props: unknown, key?: unknown): JSX.Element;
export function jsxs(type: unknown, props: unknown, key?: unknown): JSX.Element;
export const Fragment: unique symbol;
