/**
 * A waitable inbox of messages: `push` delivers to the oldest waiter or queues, `next` takes the
 * oldest queued message or waits for one (null at `close` or after its deadline). Used by the
 * in-process stream pair and by the impostor servers that script a chaincode's side.
 */
export class Inbox<T> {
  private readonly queue: T[] = [];
  private readonly waiters: Array<(m: T | null) => void> = [];
  private closed = false;

  push(m: T): void {
    if (this.closed) return;
    const w = this.waiters.shift();
    if (w) w(m);
    else this.queue.push(m);
  }

  next(timeoutMs: number): Promise<T | null> {
    const q = this.queue.shift();
    if (q !== undefined) return Promise.resolve(q);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w = (m: T | null): void => {
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Wakes every waiter with null; later `next` calls answer null once the queue is drained. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(null);
  }
}
