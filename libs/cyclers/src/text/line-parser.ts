import { CyclerParseError, type IncrementalParser, type ParsedRecord } from '../parser.types';
import { LineSplitter } from '../util/line-splitter';
import { decodeLine, stripBom } from '../util/text-decode';
import type { ParseSession } from './parse-session';

/** A text format reduced to "one decoded line at a time"; the byte handling lives in createLineParser. */
export interface LineHandler {
  readonly session: ParseSession;
  onLine(text: string, lineNo: number, out: ParsedRecord[]): void;
  /** Called once after the last line; `lastLineNo` is 0 for an empty file. */
  onEnd(out: ParsedRecord[], lastLineNo: number): void;
}

export function createLineParser(handler: LineHandler): IncrementalParser {
  const splitter = new LineSplitter();
  let lastLineNo = 0;
  let ended = false;

  const feed = (bytes: Uint8Array, lineNo: number, out: ParsedRecord[]): void => {
    const decoded = decodeLine(bytes);
    lastLineNo = lineNo;
    try {
      handler.onLine(lineNo === 1 ? stripBom(decoded) : decoded, lineNo, out);
    } catch (error) {
      throw asParseError(error, lineNo);
    }
  };

  return {
    push(chunk: Uint8Array): ParsedRecord[] {
      if (ended) throw new Error('push() after end()');
      const out: ParsedRecord[] = [];
      for (const line of splitter.push(chunk)) feed(line.bytes, line.lineNo, out);
      return out;
    },
    end(): ParsedRecord[] {
      if (ended) return [];
      ended = true;
      const out: ParsedRecord[] = [];
      const last = splitter.end();
      if (last !== null) feed(last.bytes, last.lineNo, out);
      try {
        handler.onEnd(out, lastLineNo);
      } catch (error) {
        throw asParseError(error, lastLineNo);
      }
      return out;
    },
    get info() {
      return handler.session.headerDone ? handler.session.info : null;
    },
    get warnings() {
      return handler.session.warnings;
    },
  };
}

function asParseError(error: unknown, lineNo: number): CyclerParseError {
  if (error instanceof CyclerParseError) return error;
  return new CyclerParseError(error instanceof Error ? error.message : String(error), { line: lineNo });
}
