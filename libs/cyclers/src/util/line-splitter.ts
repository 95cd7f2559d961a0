/**
 * Splits a byte stream into lines without ever holding more than the current partial line.
 * Splitting happens on the LF byte before decoding: 0x0A never occurs inside a UTF-8 multi-byte
 * sequence, so a chunk boundary inside `µ` or between CR and LF cannot corrupt a line.
 */
export interface RawLine {
  bytes: Uint8Array;
  /** 1-based line number in the file. */
  lineNo: number;
  /** Byte offset of the line's first byte. */
  byteOffset: number;
}

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  private nextLineNo = 1;
  private nextLineOffset = 0;

  /** Complete lines finished by this chunk, CR/LF removed. */
  push(chunk: Uint8Array): RawLine[] {
    const lines: RawLine[] = [];
    let start = 0;
    let lf = chunk.indexOf(LF, start);
    while (lf !== -1) {
      const piece = chunk.subarray(start, lf);
      const bytes = this.pendingLength > 0 ? this.joinPending(piece) : piece;
      lines.push(this.makeLine(bytes, bytes.length + 1));
      start = lf + 1;
      lf = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) {
      // Copy: the caller may reuse its buffer after push() returns.
      this.pending.push(chunk.slice(start));
      this.pendingLength += chunk.length - start;
    }
    return lines;
  }

  /** The last line when the file does not end with a newline. */
  end(): RawLine | null {
    if (this.pendingLength === 0) return null;
    const bytes = this.joinPending(new Uint8Array(0));
    return this.makeLine(bytes, bytes.length);
  }

  private joinPending(tail: Uint8Array): Uint8Array {
    const joined = new Uint8Array(this.pendingLength + tail.length);
    let at = 0;
    for (const part of this.pending) {
      joined.set(part, at);
      at += part.length;
    }
    joined.set(tail, at);
    this.pending = [];
    this.pendingLength = 0;
    return joined;
  }

  private makeLine(bytes: Uint8Array, consumed: number): RawLine {
    const body =
      bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
    const line = { bytes: body, lineNo: this.nextLineNo, byteOffset: this.nextLineOffset };
    this.nextLineNo += 1;
    this.nextLineOffset += consumed;
    return line;
  }
}
