import { describe, expect, it } from 'vitest';
import { FrameBatcher, FrameDrawer } from './frame-batcher';

function manualFrames() {
  const queue: (() => void)[] = [];
  return {
    schedule: (cb: () => void) => void queue.push(cb),
    runFrame: () => queue.splice(0).forEach((cb) => cb()),
    get queued() {
      return queue.length;
    },
  };
}

describe('FrameBatcher', () => {
  it('delivers only the newest value per key, once per frame', () => {
    const frames = manualFrames();
    const flushed: [string, number][][] = [];
    const batcher = new FrameBatcher<string, number>((b) => flushed.push([...b]), frames.schedule);
    for (let i = 0; i < 100; i++) batcher.push(`cell-${i % 20}`, i);
    expect(frames.queued).toBe(1);
    frames.runFrame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toHaveLength(20);
    expect(Object.fromEntries(flushed[0])['cell-3']).toBe(83);
    batcher.push('cell-3', 200);
    frames.runFrame();
    expect(flushed[1]).toEqual([['cell-3', 200]]);
  });

  it('flushes nothing after cancel', () => {
    const frames = manualFrames();
    let calls = 0;
    const batcher = new FrameBatcher<string, number>(() => calls++, frames.schedule);
    batcher.push('a', 1);
    batcher.cancel();
    frames.runFrame();
    expect(calls).toBe(0);
  });
});

describe('FrameDrawer', () => {
  it('coalesces many requests into one draw per frame and stops for good', () => {
    const frames = manualFrames();
    let draws = 0;
    const drawer = new FrameDrawer(() => draws++, frames.schedule);
    drawer.request();
    drawer.request();
    drawer.request();
    frames.runFrame();
    expect(draws).toBe(1);
    drawer.request();
    drawer.stop();
    frames.runFrame();
    drawer.request();
    frames.runFrame();
    expect(draws).toBe(1);
  });
});
