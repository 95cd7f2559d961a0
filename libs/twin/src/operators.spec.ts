import { map, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { batchByWeight, processInBatches, rateLimitLatestPerKey } from './operators';
import { TokenBuckets } from './token-buckets';

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

describe('rateLimitLatestPerKey', () => {
  const x = (v: number) => ({ k: 'x', v });
  const y = (v: number) => ({ k: 'y', v });

  it('passes a burst at once, then one per token with the newest waiting item; keys independent', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      // 100/s = a token every 10 ms, burst 2: a and c spend the two tokens, d waits and is replaced by e.
      const src = cold('abcde 30ms f', { a: x(1), b: y(1), c: x(2), d: x(3), e: x(4), f: x(5) });
      expectObservable(src.pipe(rateLimitLatestPerKey((i) => i.k, new TokenBuckets(100, 2), scheduler))).toBe(
        'abc 7ms e 24ms f',
        { a: x(1), b: y(1), c: x(2), e: x(4), f: x(5) },
      );
    });
  });

  it('does not delay a stream at the limit rate whose arrivals jitter', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      // 100/s on average, but the gaps are 14, 6, 14, 6 ms: a fixed 10 ms window would hold back b and d.
      const src = cold('a 13ms b 5ms c 13ms d 5ms e', { a: x(1), b: x(2), c: x(3), d: x(4), e: x(5) });
      expectObservable(src.pipe(rateLimitLatestPerKey((i) => i.k, new TokenBuckets(100, 2), scheduler))).toBe(
        'a 13ms b 5ms c 13ms d 5ms e',
        { a: x(1), b: x(2), c: x(3), d: x(4), e: x(5) },
      );
    });
  });

  it('holds a sustained faster stream to the limit, always ending on the newest item', () => {
    const out: { v: number; atMs: number }[] = [];
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold }) => {
      // An item every ms for 100 ms into a 100/s, burst-2 limiter: 2 + 10 out, the last being v = 100.
      const marbles = Array.from({ length: 100 }, () => 'a').join('') + '|';
      let n = 0;
      cold(marbles, { a: 0 })
        .pipe(
          map(() => x(++n)),
          rateLimitLatestPerKey((i) => i.k, new TokenBuckets(100, 2), scheduler),
        )
        .subscribe((i) => out.push({ v: i.v, atMs: scheduler.now() }));
    });
    expect(out.length).toBeGreaterThanOrEqual(11);
    expect(out.length).toBeLessThanOrEqual(13);
    expect(out.at(-1)!.v).toBe(100);
    for (let i = 2; i < out.length - 1; i++) expect(out[i].atMs - out[i - 1].atMs).toBeGreaterThanOrEqual(9);
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
