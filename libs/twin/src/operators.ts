import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { TokenBuckets } from './token-buckets';

/**
 * Collects items into batches bounded by total weight (rows) and by time since the batch's first
 * item, so a trickle still commits within `maxWaitMs` and a flood commits in large, efficient
 * statements. An item heavier than `maxWeight` travels alone.
 */
export function batchByWeight<T>(
  weightOf: (item: T) => number,
  maxWeight: number,
  maxWaitMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, T[]> {
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let batch: T[] = [];
      let weight = 0;
      let timer: { unsubscribe(): void } | null = null;
      const flush = () => {
        timer?.unsubscribe();
        timer = null;
        if (batch.length === 0) return;
        const out = batch;
        batch = [];
        weight = 0;
        subscriber.next(out);
      };
      const sub = source.subscribe({
        next: (item) => {
          const w = weightOf(item);
          if (weight > 0 && weight + w > maxWeight) flush();
          batch.push(item);
          weight += w;
          if (weight >= maxWeight) flush();
          else if (!timer) timer = scheduler.schedule(flush, maxWaitMs);
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}

interface Waiting<T> {
  item: T;
  timer: Subscription;
}

/**
 * At most `buckets.perSecond` items per key on average, in bursts of up to `buckets.burst` (see
 * TokenBuckets). An item with a token to spend goes out at once; one without waits for the next
 * token, and a newer item of the same key replaces it, so the newest state always arrives and never
 * a backlog (issue #3 live contract). Unlike a fixed window, a stream at the limit rate with jitter —
 * a late state, then an early one — is not delayed. The buckets can be shared with a producer that
 * asks how much room a key has before making items. On completion waiting items go out at once.
 */
export function rateLimitLatestPerKey<T>(
  keyOf: (item: T) => string,
  buckets: TokenBuckets,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const waiting = new Map<string, Waiting<T>>();
      const release = (key: string): void => {
        const w = waiting.get(key);
        if (!w) return;
        if (!buckets.take(key, scheduler.now())) {
          w.timer = scheduler.schedule(() => release(key), buckets.msUntilToken(key, scheduler.now()));
          return;
        }
        waiting.delete(key);
        subscriber.next(w.item);
      };
      const sub = source.subscribe({
        next: (item) => {
          const key = keyOf(item);
          const w = waiting.get(key);
          if (w) {
            w.item = item;
            return;
          }
          if (buckets.take(key, scheduler.now())) {
            subscriber.next(item);
            return;
          }
          const timer = scheduler.schedule(() => release(key), buckets.msUntilToken(key, scheduler.now()));
          waiting.set(key, { item, timer });
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          for (const w of waiting.values()) {
            w.timer.unsubscribe();
            subscriber.next(w.item);
          }
          waiting.clear();
          subscriber.complete();
        },
      });
      return () => {
        for (const w of waiting.values()) w.timer.unsubscribe();
        sub.unsubscribe();
      };
    });
}

/**
 * Hands batches to `concurrency` workers, forming each batch when a worker is free: items that
 * arrive while every worker is busy are all taken by the next free one (up to `maxWeight`)
 * instead of queueing as many small batches, so a slower database means fewer, larger statements
 * rather than a longer wait. An idle worker still waits up to `maxWaitMs` after the oldest item
 * for more. Batches are formed in arrival order. Completes once the source has completed and
 * every batch's work has settled; `work` reports its own failures.
 */
export function processInBatches<T>(
  weightOf: (item: T) => number,
  maxWeight: number,
  maxWaitMs: number,
  concurrency: number,
  work: (batch: T[]) => Promise<void>,
): OperatorFunction<T, never> {
  return (source) =>
    new Observable<never>((subscriber) => {
      const queue: T[] = [];
      const arrivedAtMs: number[] = [];
      let head = 0;
      let queuedWeight = 0;
      let running = 0;
      let sourceDone = false;
      let timer: ReturnType<typeof setTimeout> | null = null;

      const takeBatch = (): T[] => {
        const batch: T[] = [];
        let weight = 0;
        while (head < queue.length) {
          const w = weightOf(queue[head]);
          if (weight > 0 && weight + w > maxWeight) break;
          batch.push(queue[head]);
          head += 1;
          weight += w;
          queuedWeight -= w;
          if (weight >= maxWeight) break;
        }
        if (head === queue.length || head > 4096) {
          queue.splice(0, head);
          arrivedAtMs.splice(0, head);
          head = 0;
        }
        return batch;
      };
      const pump = (): void => {
        while (running < concurrency && head < queue.length) {
          const waitedMs = performance.now() - arrivedAtMs[head];
          if (!sourceDone && queuedWeight < maxWeight && waitedMs < maxWaitMs) {
            timer ??= setTimeout(() => ((timer = null), pump()), maxWaitMs - waitedMs);
            return;
          }
          const batch = takeBatch();
          running += 1;
          void work(batch)
            .catch(() => undefined)
            .finally(() => {
              running -= 1;
              pump();
            });
        }
        if (sourceDone && running === 0 && head === queue.length) subscriber.complete();
      };
      const sub = source.subscribe({
        next: (item) => {
          queue.push(item);
          arrivedAtMs.push(performance.now());
          queuedWeight += weightOf(item);
          pump();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          pump();
        },
      });
      return () => {
        if (timer) clearTimeout(timer);
        sub.unsubscribe();
      };
    });
}
