import {
  asyncScheduler,
  groupBy,
  mergeMap,
  Observable,
  throttleTime,
  type OperatorFunction,
  type SchedulerLike,
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

/**
 * At most one item per key per window, leading and trailing: the first state goes out at once and
 * the newest one always arrives at the end of the window, never a backlog (issue #3 live contract).
 */
export function throttleLatestPerKey<T>(
  keyOf: (item: T) => string,
  windowMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, T> {
  return (source) =>
    source.pipe(
      groupBy(keyOf),
      mergeMap((group) => group.pipe(throttleTime(windowMs, scheduler, { leading: true, trailing: true }))),
    );
}
