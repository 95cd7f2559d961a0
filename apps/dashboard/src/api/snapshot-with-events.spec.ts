import { describe, expect, it } from 'vitest';
import { SnapshotWithEvents } from './snapshot-with-events';

describe('SnapshotWithEvents', () => {
  it('keeps an event that arrives while a snapshot taken before it is on its way', async () => {
    const list = new SnapshotWithEvents<string>();
    list.event('a', 'open');
    let answer: (entries: [string, string][]) => void = () => undefined;
    const loading = list.load(() => new Promise((resolve) => (answer = resolve)));
    list.event('b', 'open');
    list.event('a', 'acknowledged');
    answer([
      ['a', 'open'],
      ['c', 'open'],
    ]);
    await loading;
    expect([...list.items].sort()).toEqual([
      ['a', 'acknowledged'],
      ['b', 'open'],
      ['c', 'open'],
    ]);
  });

  it('takes the snapshot as it is when nothing arrived meanwhile, and forgets what it no longer holds', async () => {
    const list = new SnapshotWithEvents<string>();
    list.event('gone', 'open');
    await list.load(async () => [['x', 'open']]);
    list.event('later', 'open');
    await list.load(async () => [['x', 'resolved']]);
    expect([...list.items]).toEqual([['x', 'resolved']]);
  });
});
