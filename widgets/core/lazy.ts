/**
 * A part of a widget that few customers reach (the quote's decline form, a conflict view), loaded
 * with `import()` when first rendered instead of with the widget: first paint does not download
 * it. One loader per part and page, so a second element renders it at once.
 */
export interface LazyPart<T> {
  /** The part, once loaded. */
  readonly loaded: T | undefined;
  /** Loads it (once; again after a failure, e.g. the network was down). */
  load(): Promise<T>;
}

export function lazyPart<T>(load: () => Promise<T>): LazyPart<T> {
  let loaded: T | undefined;
  let pending: Promise<T> | undefined;
  return {
    get loaded() {
      return loaded;
    },
    load() {
      pending ??= load().then(
        (part) => (loaded = part),
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
  };
}
