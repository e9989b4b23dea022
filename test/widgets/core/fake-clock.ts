import type { Clock } from '../../../widgets/core/clock.ts';

interface Timer {
  id: number;
  at: number;
  ms: number;
  callback: () => void;
}

/** A clock that moves only when told; records every timer set so tests can read the delays. */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly timers = new Map<number, Timer>();
  /** Every delay ever scheduled, in order. */
  readonly scheduled: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = this.#nextId++;
    this.timers.set(id, { id, at: this.#now + ms, ms, callback });
    this.scheduled.push(ms);
    return id;
  }

  clearTimeout(handle: object | number): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward, firing due timers in order, and lets their promises settle. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.timers.values()]
        .filter((t) => t.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due.id);
      this.#now = due.at;
      due.callback();
      await settle();
    }
    this.#now = until;
    await settle();
  }
}

/** Lets queued promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
