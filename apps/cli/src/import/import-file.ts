import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  createParser,
  DETECT_HEAD_BYTES,
  ImportSummaryAccumulator,
  type ImportSummary,
  type ParseWarning,
} from '@twin/cyclers';
import type { TwinApiClient } from '../api/twin-api-client';
import { ProgressReporter } from '../progress/progress-reporter';
import { chooseFormat, type FormatChoice } from './format-choice';
import { RecordSender } from './record-sender';

export interface ImportFileOptions {
  path: string;
  cellId: string;
  format: FormatChoice;
  batchRows?: number;
  /** Start time for files that state none (epoch ms). */
  fallbackStartTimeMs?: number;
  progress?: boolean;
}

/** The import summary of the issue (`cycleSource` left out) plus what the service did with the rows. */
export type CliImportSummary = Omit<ImportSummary, 'cycleSource'> & {
  accepted: number;
  duplicates: number;
  rejected: number;
};

const READ_CHUNK_BYTES = 256 * 1024;

export async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Streams one file into a cell. Each chunk's records are acknowledged before the next chunk is read
 * (for-await pulls only when the loop body is done), so memory stays at one chunk plus one batch
 * whatever the file size. Re-running is harmless: seq = row index, and the service drops (cell, seq)
 * pairs it already has. A malformed row stops the import after the rows before it are sent.
 */
export async function importFile(
  client: TwinApiClient,
  options: ImportFileOptions,
): Promise<CliImportSummary> {
  const { size } = await stat(options.path);
  const fileName = basename(options.path);
  const format = chooseFormat(
    options.format,
    await readHead(options.path, DETECT_HEAD_BYTES),
    fileName,
    true,
  )!;
  const parser = createParser(format, { fileName, fallbackStartTimeMs: options.fallbackStartTimeMs });
  const summary = new ImportSummaryAccumulator(format);
  const sender = new RecordSender(client, options.cellId, { batchRows: options.batchRows });
  const progress = new ProgressReporter(size, process.stderr, options.progress ?? true);
  let bytesRead = 0;
  let rows = 0;
  const stream = createReadStream(options.path, { highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      const records = parser.push(chunk);
      summary.addAll(records);
      rows += records.length;
      await sender.add(records);
      progress.update(bytesRead, rows);
    }
    const last = parser.end();
    summary.addAll(last);
    rows += last.length;
    await sender.add(last);
    await sender.flush();
  } catch (error) {
    // Rows parsed before a malformed line are still stored, so a fixed file re-imports cleanly.
    await sender.flush().catch(() => undefined);
    throw error;
  } finally {
    stream.destroy();
    progress.done(bytesRead, rows);
  }
  const senderWarnings: ParseWarning[] = sender.finalWarnings().map((message) => ({ message }));
  const { cycleSource: _cycleSource, ...rest } = summary.finish(parser.warnings);
  return {
    ...rest,
    warnings: [...rest.warnings, ...senderWarnings],
    accepted: sender.totals.accepted,
    duplicates: sender.totals.duplicates,
    rejected: sender.totals.rejected,
  };
}
