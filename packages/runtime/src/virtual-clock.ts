import { VirtualTimeScheduler } from 'rxjs';

/** Lets promises and `setImmediate` callbacks run: a bounded number of event-loop turns. */
export async function settle(turns = 30): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Virtual processing time for a running pipeline (RxJS's `VirtualTimeScheduler`): time moves only
 * when `advance` moves it, running each timer due on the way and letting the pipeline's promises
 * settle between timers. The clock starts at `start` (epoch ms).
 */
export class VirtualClock {
  readonly scheduler: VirtualTimeScheduler;

  constructor(start = 0) {
    this.scheduler = new VirtualTimeScheduler();
    this.scheduler.frame = start;
  }

  now(): number {
    return this.scheduler.now();
  }

  /** Moves the clock `ms` on; at most 10,000 timers are run on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.scheduler.frame + ms;
    for (let i = 0; i < 10_000; i++) {
      await settle();
      const next = this.scheduler.actions[0];
      if (!next || (next.delay ?? 0) > target) break;
      this.scheduler.maxFrames = target;
      this.scheduler.flush();
    }
    this.scheduler.frame = target;
    await settle();
  }
}
