import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { batchByWeight, processInBatches, throttleLatestPerKey } from './operators';

describe('batchByWeight', () => {
  it('flushes on weight and on time', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const src = cold('abc 20ms d|', { a: 2, b: 2, c: 3, d: 1 });
      expectObservable(src.pipe(batchByWeight((n: number) => n, 5, 10, scheduler))).toBe(
        '--x 9ms y 11ms (z|)',
        { x: [2, 2], y: [3], z: [1] },
      );
    });
  });

  it('sends an overweight item alone', () => {
    const out: number[][] = [];
    const s = new Subject<number>();
    s.pipe(batchByWeight((n) => n, 5, 1000)).subscribe((b) => out.push(b));
    s.next(1);
    s.next(9);
    s.next(1);
    s.complete();
    expect(out).toEqual([[1], [9], [1]]);
  });
});

describe('throttleLatestPerKey', () => {
  it('emits leading and the newest trailing item per key, keys independent', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const src = cold('abcd 20ms e', {
        a: { k: 'x', v: 1 },
        b: { k: 'y', v: 1 },
        c: { k: 'x', v: 2 },
        d: { k: 'x', v: 3 },
        e: { k: 'x', v: 4 },
      });
      expectObservable(src.pipe(throttleLatestPerKey((i) => i.k, 10, scheduler))).toBe('ab 8ms d 13ms e', {
        a: { k: 'x', v: 1 },
        b: { k: 'y', v: 1 },
        d: { k: 'x', v: 3 },
        e: { k: 'x', v: 4 },
      });
    });
  });
});

describe('processInBatches', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    return { opened, open };
  };

  it('gives everything that arrived while the worker was busy to its next batch, in order', async () => {
    const batches: number[][] = [];
    const gates = [gate(), gate()];
    const s = new Subject<number>();
    const done = new Promise<void>((complete) =>
      s
        .pipe(
          processInBatches(
            () => 1,
            100,
            5,
            1,
            async (b) => {
              batches.push(b);
              await gates[batches.length - 1]?.opened;
            },
          ),
        )
        .subscribe({ complete }),
    );
    s.next(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([[1]]);
    for (const n of [2, 3, 4, 5]) s.next(n);
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([[1]]);
    gates[0].open();
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
    gates[1].open();
    s.complete();
    await done;
  });

  it('bounds a batch by weight, keeps workers to the concurrency and completes after the last batch', async () => {
    const batches: number[][] = [];
    let running = 0;
    let maxRunning = 0;
    const s = new Subject<number>();
    const done = new Promise<void>((complete) =>
      s
        .pipe(
          processInBatches(
            (n) => n,
            6,
            1_000,
            2,
            async (b) => {
              batches.push(b);
              maxRunning = Math.max(maxRunning, ++running);
              await new Promise((r) => setTimeout(r, 10));
              running -= 1;
            },
          ),
        )
        .subscribe({ complete }),
    );
    for (const n of [3, 3, 3, 3, 9, 1]) s.next(n);
    s.complete();
    await done;
    expect(batches.flat()).toEqual([3, 3, 3, 3, 9, 1]);
    expect(batches.every((b) => b.length === 1 || b.reduce((x, y) => x + y, 0) <= 6)).toBe(true);
    expect(batches).toContainEqual([9]);
    expect(maxRunning).toBe(2);
  });
});
