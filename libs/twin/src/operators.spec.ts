import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { batchByWeight, throttleLatestPerKey } from './operators';

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
