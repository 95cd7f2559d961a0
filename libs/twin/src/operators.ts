import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';

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

interface KeyBucket<T> {
  tokens: number;
  refilledAtMs: number;
  pending: T | null;
  hasPending: boolean;
  timer: Subscription | null;
}

/**
 * At most `perSecond` items per key on average, in bursts of up to `burst`: a token bucket per key
 * (the generic cell rate algorithm's burst tolerance, ITU-T I.371). An item with a token to spend
 * goes out at once; one without waits for the next token, and a newer item of the same key replaces
 * it, so the newest state always arrives and never a backlog (issue #3 live contract). Unlike a fixed
 * window, a stream at the limit rate with jitter — a late state, then an early one — is not delayed.
 * On completion any waiting items go out at once.
 */
export function rateLimitLatestPerKey<T>(
  keyOf: (item: T) => string,
  perSecond: number,
  burst: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, T> {
  const msPerToken = 1000 / perSecond;
  return (source) =>
    new Observable<T>((subscriber) => {
      const buckets = new Map<string, KeyBucket<T>>();
      const refill = (b: KeyBucket<T>): void => {
        const now = scheduler.now();
        b.tokens = Math.min(burst, b.tokens + (now - b.refilledAtMs) / msPerToken);
        b.refilledAtMs = now;
      };
      const release = (b: KeyBucket<T>): void => {
        b.timer = null;
        refill(b);
        const item = b.pending as T;
        b.pending = null;
        b.hasPending = false;
        b.tokens -= 1;
        subscriber.next(item);
      };
      const sub = source.subscribe({
        next: (item) => {
          const key = keyOf(item);
          let b = buckets.get(key);
          if (b === undefined) {
            b = {
              tokens: burst,
              refilledAtMs: scheduler.now(),
              pending: null,
              hasPending: false,
              timer: null,
            };
            buckets.set(key, b);
          }
          if (b.hasPending) {
            b.pending = item;
            return;
          }
          refill(b);
          if (b.tokens >= 1) {
            b.tokens -= 1;
            subscriber.next(item);
            return;
          }
          b.pending = item;
          b.hasPending = true;
          const bucket = b;
          b.timer = scheduler.schedule(() => release(bucket), (1 - b.tokens) * msPerToken);
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          for (const b of buckets.values()) {
            b.timer?.unsubscribe();
            if (b.hasPending) release(b);
          }
          subscriber.complete();
        },
      });
      return () => {
        for (const b of buckets.values()) b.timer?.unsubscribe();
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
