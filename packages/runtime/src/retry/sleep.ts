/**
 * Waits `ms`, or less when `signal` aborts. The abort listener is removed when the timer fires, so
 * a long retry loop does not pile listeners on one signal (Node warns at 11: the leak the two old
 * `retry.ts` copies had).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
