import { describe, expect, it } from 'vitest';
import { KWayMerge, type MergeSource } from './sample-merge';

/** An array-backed source whose pages "load" only when the test says so. */
class FakeSource implements MergeSource {
  pos = 0;
  loaded: number;
  constructor(
    readonly ts: number[],
    loadedUpTo = Infinity,
  ) {
    this.loaded = Math.min(loadedUpTo, ts.length);
  }
  status(): 'ready' | 'io' | 'eof' {
    if (this.pos < this.loaded) return 'ready';
    return this.loaded < this.ts.length ? 'io' : 'eof';
  }
  headTsMs(): number {
    return this.ts[this.pos];
  }
}

function drain(merge: KWayMerge, sources: FakeSource[], onIo?: (i: number) => void): [number, number][] {
  const out: [number, number][] = [];
  for (;;) {
    const pick = merge.pick();
    if (pick === 'eof') return out;
    if (pick === 'io') {
      onIo!(merge.blockedOn);
      continue;
    }
    out.push([pick, sources[pick].headTsMs()]);
    sources[pick].pos++;
    merge.advanced();
  }
}

describe('KWayMerge', () => {
  it('interleaves sources in timestamp order, ties broken by source index', () => {
    const sources = [new FakeSource([1, 4, 4, 9]), new FakeSource([2, 4, 5]), new FakeSource([0, 10])];
    const out = drain(new KWayMerge(sources), sources);
    expect(out).toEqual([
      [2, 0],
      [0, 1],
      [1, 2],
      [0, 4],
      [0, 4],
      [1, 4],
      [1, 5],
      [0, 9],
      [2, 10],
    ]);
  });

  it('stops with io on a source whose next page is not loaded, and resumes in order once it is', () => {
    const sources = [new FakeSource([1, 3, 5, 7], 2), new FakeSource([2, 4, 6], 1)];
    const ioSeen: number[] = [];
    const out = drain(new KWayMerge(sources), sources, (i) => {
      ioSeen.push(i);
      sources[i].loaded = sources[i].ts.length;
    });
    expect(out.map(([, ts]) => ts)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // source 1 runs dry after ts 2, source 0 after ts 3: each blocks the merge once
    expect(ioSeen).toEqual([1, 0]);
  });

  it('handles empty sources and no sources', () => {
    const sources = [new FakeSource([]), new FakeSource([5])];
    expect(drain(new KWayMerge(sources), sources)).toEqual([[1, 5]]);
    expect(new KWayMerge([]).pick()).toBe('eof');
  });

  it('merges many random sources into the same order as a global sort', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sources = Array.from({ length: 13 }, () => {
      const ts: number[] = [];
      let t = 0;
      const n = Math.floor(rnd() * 50);
      for (let i = 0; i < n; i++) ts.push((t += Math.floor(rnd() * 5)));
      return new FakeSource(ts);
    });
    const expected = sources
      .flatMap((s, i) => s.ts.map((t) => [i, t] as [number, number]))
      .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    expect(drain(new KWayMerge(sources), sources)).toEqual(expected);
  });
});
