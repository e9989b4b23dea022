/** A page of a cursor-paged list, as the API answers it. */
export interface Page<T> {
  data: T[];
  next_cursor: number;
  has_more: boolean;
}

/**
 * What a list call returns: awaited, the first page; iterated with `for await`, every item after
 * the starting cursor, page after page, until the list is exhausted. Each item's cursor becomes
 * the `checkpoint` once the loop asks for the next item — that is, once the body of the loop has
 * run for it — so a partner that persists `checkpoint` (or listens to `onCheckpoint`) and resumes
 * from it sees every item at least once, and an item whose handling failed again.
 */
export class PageIterable<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #fetchPage: (after: number | undefined) => Promise<Page<T>>;
  readonly #cursorOf: (item: T, page: Page<T>, index: number) => number | undefined;
  readonly #onCheckpoint: ((cursor: number) => void | Promise<void>) | undefined;
  #checkpoint: number | undefined;
  #first: Promise<Page<T>> | undefined;

  constructor(init: {
    after: number | undefined;
    fetchPage: (after: number | undefined) => Promise<Page<T>>;
    /** An item's own cursor; undefined for a list whose items carry none (only the page's end). */
    cursorOf: (item: T, page: Page<T>, index: number) => number | undefined;
    onCheckpoint?: ((cursor: number) => void | Promise<void>) | undefined;
  }) {
    this.#checkpoint = init.after;
    this.#fetchPage = init.fetchPage;
    this.#cursorOf = init.cursorOf;
    this.#onCheckpoint = init.onCheckpoint;
  }

  /** Where a resumed iteration starts: the cursor of the last item fully handled. */
  get checkpoint(): number | undefined {
    return this.#checkpoint;
  }

  then<A = Page<T>, B = never>(
    onfulfilled?: ((value: Page<T>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.#first ??= this.#fetchPage(this.#checkpoint);
    return this.#first.then(onfulfilled, onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let after = this.#checkpoint;
    for (;;) {
      const page = await this.#fetchPage(after);
      for (const [index, item] of page.data.entries()) {
        yield item;
        const cursor = this.#cursorOf(item, page, index);
        if (cursor !== undefined) await this.#advance(cursor);
      }
      // An empty page still moves the cursor when the API says where the list stands.
      if (page.next_cursor > (this.#checkpoint ?? 0)) await this.#advance(page.next_cursor);
      if (!page.has_more) return;
      after = page.next_cursor;
    }
  }

  async #advance(cursor: number): Promise<void> {
    this.#checkpoint = cursor;
    await this.#onCheckpoint?.(cursor);
  }
}
