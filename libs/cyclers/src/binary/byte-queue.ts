/**
 * FIFO of pushed chunks read by absolute file offset. Binary parsers keep only the bytes of the
 * record they have not finished yet; whole chunks are never concatenated, so pushing a file one
 * byte at a time stays linear.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes already consumed from chunks[0]. */
  private headOffset = 0;
  private bufferedBytes = 0;
  /** Absolute offset (from the start of the stream) of the next unread byte. */
  private consumedBytes = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
  }

  get length(): number {
    return this.bufferedBytes;
  }

  /** Absolute stream offset of the next unread byte. */
  get offset(): number {
    return this.consumedBytes;
  }

  /** Copies the next `n` bytes without consuming them; caller checks `length >= n` first. */
  peek(n: number): Uint8Array {
    if (n > this.bufferedBytes)
      throw new RangeError(`peek(${n}) with only ${this.bufferedBytes} bytes buffered`);
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.headOffset >= n) {
      return first.subarray(this.headOffset, this.headOffset + n);
    }
    const out = new Uint8Array(n);
    let written = 0;
    let skip = this.headOffset;
    for (const chunk of this.chunks) {
      const take = Math.min(chunk.length - skip, n - written);
      out.set(chunk.subarray(skip, skip + take), written);
      written += take;
      skip = 0;
      if (written === n) break;
    }
    return out;
  }

  /** Consumes and returns the next `n` bytes (a view when they sit in one chunk, else a copy). */
  read(n: number): Uint8Array {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /** Drops up to `n` bytes; returns how many were dropped. */
  skip(n: number): number {
    let left = Math.min(n, this.bufferedBytes);
    const dropped = left;
    while (left > 0) {
      const first = this.chunks[0]!;
      const avail = first.length - this.headOffset;
      if (avail <= left) {
        this.chunks.shift();
        this.headOffset = 0;
        left -= avail;
      } else {
        this.headOffset += left;
        left = 0;
      }
    }
    this.bufferedBytes -= dropped;
    this.consumedBytes += dropped;
    return dropped;
  }
}

/** Little-endian field reads on a byte view (the three binary formats here are all little-endian). */
export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** ASCII/Latin-1 text of a fixed-width field, trailing NULs and spaces trimmed. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s.replace(/[\0 ]+$/, '');
}
