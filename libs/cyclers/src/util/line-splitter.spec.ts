import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter';
import { decodeLine } from './text-decode';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('LineSplitter', () => {
  it('strips CR even when CR and LF arrive in different chunks, and numbers lines from 1', () => {
    const splitter = new LineSplitter();
    const lines = [...splitter.push(enc('ab\r')), ...splitter.push(enc('\ncd\r\n\nef'))];
    const last = splitter.end();
    expect(lines.map((l) => text(l.bytes))).toEqual(['ab', 'cd', '']);
    expect(lines.map((l) => [l.lineNo, l.byteOffset])).toEqual([
      [1, 0],
      [2, 4],
      [3, 8],
    ]);
    expect(last && [text(last.bytes), last.lineNo, last.byteOffset]).toEqual(['ef', 4, 9]);
  });

  it('keeps a multi-byte character split across pushes intact', () => {
    const bytes = enc('T1[°C]\n');
    const splitter = new LineSplitter();
    const lines = [...bytes].flatMap((b) => splitter.push(Uint8Array.of(b)));
    expect(lines.map((l) => decodeLine(l.bytes))).toEqual(['T1[°C]']);
    expect(splitter.end()).toBeNull();
  });

  it('copies held bytes so a reused caller buffer cannot corrupt the partial line', () => {
    const splitter = new LineSplitter();
    const buffer = enc('xy');
    splitter.push(buffer);
    buffer.set(enc('ZZ'));
    expect(text(splitter.push(enc('\n'))[0].bytes)).toBe('xy');
  });
});

describe('decodeLine', () => {
  it('reads windows-1252 bytes (EC-Lab µ = 0xB5) and UTF-8 alike', () => {
    expect(decodeLine(Uint8Array.of(0x49, 0x2f, 0xb5, 0x41))).toBe('I/µA');
    expect(decodeLine(enc('I/µA'))).toBe('I/µA');
  });
});
