import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  createParser,
  CyclerParseError,
  DETECT_HEAD_BYTES,
  type CyclerFormat,
  type IncrementalParser,
  type ParsedRecord,
} from '@twin/cyclers';
import type { TwinApiClient } from '../api/twin-api-client';
import { chooseFormat } from '../import/format-choice';
import { RecordSender } from '../import/record-sender';
import type { FileMapping } from './harvest-mapping';
import type { HarvestedFileState } from './harvest-state';

/** Enough of the head to notice a rewritten header; small enough to hash on every change. */
const HEAD_HASH_BYTES = 4096;
const READ_CHUNK_BYTES = 1024 * 1024;
const LF = 0x0a;

export interface TailOptions {
  absPath: string;
  relPath: string;
  mapping: FileMapping;
  client: TwinApiClient;
  log: (message: string) => void;
  /** A file not grown for this long is taken as finished: its unterminated last row is sent. */
  settleMs: number;
  batchRows?: number;
  previous?: HarvestedFileState;
}

/**
 * Follows one growing instrument file. The incremental parser holds a partly written last line
 * between reads; seq = row index, so re-parsing from the start after a rewrite, truncation or
 * restart re-creates the same seqs, and rows at or below the last acknowledged seq are not re-sent.
 */
export class FileTail {
  private parser: IncrementalParser | null = null;
  private format: CyclerFormat | null = null;
  private offset = 0;
  private inode: number | null;
  private headLength: number;
  private headHash: string;
  private lastSeqSent: number;
  private spectraSent: number;
  /** Spectra seen by the current parse, to skip those sent before. */
  private spectraIndex = 0;
  private lastSize = -1;
  private lastMtimeMs = -1;
  private lastChangeMs = Date.now();
  private settledAtSize = -1;
  private failedAt: { size: number; mtimeMs: number } | null = null;
  private readonly sender: RecordSender;

  constructor(private readonly o: TailOptions) {
    const p = o.previous?.cellId === o.mapping.cellId ? o.previous : undefined;
    this.inode = p?.inode ?? null;
    this.headLength = p?.headLength ?? 0;
    this.headHash = p?.headHash ?? '';
    this.lastSeqSent = p?.lastSeqSent ?? -1;
    this.spectraSent = p?.spectraSent ?? 0;
    this.sender = new RecordSender(o.client, o.mapping.cellId, { batchRows: o.batchRows });
    if (p) o.log(`${o.relPath}: resuming (cell ${p.cellId}, rows up to seq ${p.lastSeqSent} already sent)`);
  }

  get state(): HarvestedFileState {
    return {
      cellId: this.o.mapping.cellId,
      inode: this.inode ?? 0,
      sizeConsumed: this.offset,
      headLength: this.headLength,
      headHash: this.headHash,
      lastSeqSent: this.lastSeqSent,
      spectraSent: this.spectraSent,
    };
  }

  /** One look at the file: read and send what was added since the last look. */
  async poll(nowMs = Date.now()): Promise<void> {
    let st;
    try {
      st = await stat(this.o.absPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const unchanged = st.size === this.lastSize && st.mtimeMs === this.lastMtimeMs && st.ino === this.inode;
    if (unchanged) {
      if (nowMs - this.lastChangeMs >= this.o.settleMs && this.settledAtSize !== st.size)
        await this.settle(st.size);
      return;
    }
    this.lastChangeMs = nowMs;
    if (this.failedAt && this.failedAt.size === st.size && this.failedAt.mtimeMs === st.mtimeMs) return;
    this.failedAt = null;
    const rewritten = await this.rewriteReason(st.ino, st.size);
    if (rewritten !== null) {
      this.o.log(`${this.o.relPath}: ${rewritten}: re-parsing from the start`);
      this.reset();
    }
    this.inode = st.ino;
    this.lastSize = st.size;
    this.lastMtimeMs = st.mtimeMs;
    try {
      await this.readTo(st.size);
    } catch (error) {
      if (!(error instanceof CyclerParseError)) throw error;
      await this.sender.flush();
      this.noteAcked();
      this.o.log(`${this.o.relPath}: parse error at ${error.message}; waiting for the file to change`);
      this.failedAt = { size: st.size, mtimeMs: st.mtimeMs };
      this.reset();
    }
  }

  private reset(): void {
    this.parser = null;
    this.format = null;
    this.offset = 0;
    this.spectraIndex = 0;
    this.settledAtSize = -1;
  }

  private async rewriteReason(inode: number, size: number): Promise<string | null> {
    if (this.inode !== null && inode !== this.inode) return 'replaced (new inode)';
    if (size < this.offset) return `truncated (${size} < ${this.offset} bytes)`;
    if (this.headLength > 0) {
      if (size < this.headLength) return 'truncated below its header';
      if ((await this.hashHead(this.headLength)) !== this.headHash) return 'rewritten (head changed)';
    }
    return null;
  }

  private async readTo(size: number): Promise<void> {
    if (size <= this.offset) return;
    if (this.parser === null && !(await this.startParser(size))) return;
    const handle = await open(this.o.absPath, 'r');
    try {
      while (this.offset < size) {
        const buffer = Buffer.alloc(Math.min(READ_CHUNK_BYTES, size - this.offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        await this.sender.add(this.unsent(this.parser!.push(buffer.subarray(0, bytesRead))));
      }
    } finally {
      await handle.close();
    }
    await this.sender.flush();
    this.noteAcked();
    await this.rememberHead();
  }

  private async startParser(size: number, complete = false): Promise<boolean> {
    const headBytes = Math.min(size, DETECT_HEAD_BYTES);
    const head = await this.readRange(0, headBytes);
    const fileName = basename(this.o.absPath);
    this.format = chooseFormat(this.o.mapping.format, head, fileName, complete);
    if (this.format === null) return false;
    this.parser = createParser(this.format, { fileName });
    this.o.log(
      `${this.o.relPath}: ${this.format} → cell ${this.o.mapping.cellId}${
        this.lastSeqSent >= 0 ? ` (skipping rows up to seq ${this.lastSeqSent}, already sent)` : ''
      }`,
    );
    return true;
  }

  /**
   * A file that stopped growing may end in a row without a newline, which the incremental parser
   * holds back. Once settled, a throw-away parse of the whole file with `end()` sends that row; the
   * live parser keeps its state and skips the row later by seq if the instrument completes the line.
   */
  private async settle(size: number): Promise<void> {
    this.settledAtSize = size;
    if (size === 0) return;
    if (this.parser === null) {
      // Still undetected with the whole (small) file there: now detection may say why.
      if (!(await this.startParser(size, true))) return;
      await this.readTo(size);
    }
    const [lastByte] = await this.readRange(size - 1, 1);
    if (lastByte === LF) return;
    const parser = createParser(this.format!, { fileName: basename(this.o.absPath) });
    const records: ParsedRecord[] = [];
    try {
      const handle = await open(this.o.absPath, 'r');
      try {
        for (let at = 0; at < size; at += READ_CHUNK_BYTES) {
          const buffer = Buffer.alloc(Math.min(READ_CHUNK_BYTES, size - at));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
          records.push(...this.unsentSamples(parser.push(buffer.subarray(0, bytesRead))));
        }
      } finally {
        await handle.close();
      }
      records.push(...this.unsentSamples(parser.end()));
    } catch (error) {
      if (error instanceof CyclerParseError) return; // an unfinished last row: wait for more bytes
      throw error;
    }
    if (records.length === 0) return;
    await this.sender.add(records);
    await this.sender.flush();
    this.noteAcked();
    this.o.log(`${this.o.relPath}: settled; sent ${records.length} row(s) the open last line held back`);
  }

  private unsentSamples(records: ParsedRecord[]): ParsedRecord[] {
    return records.filter((r) => r.kind === 'sample' && r.sample.seq > this.lastSeqSent);
  }

  private unsent(records: ParsedRecord[]): ParsedRecord[] {
    return records.filter((r) => {
      if (r.kind === 'sample') return r.sample.seq > this.lastSeqSent;
      this.spectraIndex += 1;
      return this.spectraIndex > this.spectraSent;
    });
  }

  private noteAcked(): void {
    const before = this.lastSeqSent;
    this.lastSeqSent = Math.max(this.lastSeqSent, this.sender.totals.lastSeqAcked);
    this.spectraSent = Math.max(this.spectraSent, this.spectraIndex);
    if (this.lastSeqSent > before) {
      const t = this.sender.totals;
      this.o.log(
        `${this.o.relPath}: sent rows to seq ${this.lastSeqSent} → cell ${this.o.mapping.cellId} ` +
          `(total accepted ${t.accepted}, duplicates ${t.duplicates}, rejected ${t.rejected})`,
      );
    }
  }

  private async rememberHead(): Promise<void> {
    const length = Math.min(HEAD_HASH_BYTES, this.offset);
    if (length <= this.headLength) return;
    this.headHash = await this.hashHead(length);
    this.headLength = length;
  }

  private async hashHead(length: number): Promise<string> {
    return createHash('sha256')
      .update(await this.readRange(0, length))
      .digest('hex');
  }

  private async readRange(position: number, length: number): Promise<Buffer> {
    const handle = await open(this.o.absPath, 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}
