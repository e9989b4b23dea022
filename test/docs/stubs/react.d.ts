// A stand-in for the few React 19 types the doc samples use: React is not a dependency of this
// repository, and the samples are type-checked, not run (test/docs/typecheck.ts).

export type ReactNode =
  string | number | boolean | null | undefined | JSX.Element | readonly ReactNode[];

export function useSyncExternalStore<T>(
  subscribe: (onStoreChange: () => void) => () => void,
  getSnapshot: () => T,
  getServerSnapshot?: () => T,
): T;
export function useEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
export function useMemo<T>(factory: () => T, deps: readonly unknown[]): T;
export function useState<T>(initial: T | (() => T)): [T, (next: T | ((previous: T) => T)) => void];
export function useRef<T>(initial: T): { current: T };

interface HTMLProps {
  key?: string | number;
  children?: ReactNode;
  className?: string;
  id?: string;
  role?: string;
  hidden?: boolean;
  onClick?: (event: MouseEvent) => void;
  [aria: `aria-${string}`]: string | boolean | undefined;
  [data: `data-${string}`]: string | undefined;
}

export namespace JSX {
  interface Element {
    readonly type: unknown;
    readonly props: unknown;
  }
  interface ElementChildrenAttribute {
    children: object;
  }
  interface IntrinsicAttributes {
    key?: string | number;
  }
  interface IntrinsicElements {
    div: HTMLProps;
    section: HTMLProps;
    p: HTMLProps;
    h2: HTMLProps;
    ul: HTMLProps;
    li: HTMLProps;
    span: HTMLProps;
    output: HTMLProps;
    button: HTMLProps & { type?: 'button' | 'submit'; disabled?: boolean };
  }
}
