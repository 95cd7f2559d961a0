import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { SamplePoint } from '@twin/contracts';
import { writeBdfCsv } from '@twin/cyclers';
import { SamplesRepository } from '../samples/samples.repository';

const PAGE_ROWS = 5000;

/**
 * `GET /cells/:id/samples?format=bdf`: every sample in [from, to) as Battery Data Format CSV, in one
 * chunked response (no `limit`/`next`: a BDF file is the whole range). Pages are read from the
 * database one at a time and written only as fast as the client takes them, so memory stays at one
 * page whatever the range. The caller has checked that the cell exists.
 */
@Injectable()
export class SamplesExportService {
  constructor(private readonly samples: SamplesRepository) {}

  async streamBdf(
    cellId: string,
    fromMs: number | null,
    toMs: number | null,
    res: ServerResponse,
  ): Promise<void> {
    // The first page is read before any byte is written, so a database failure can still be a clean 503.
    const first = await this.samples.readPage(cellId, -1, fromMs, toMs, PAGE_ROWS);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${cellId}.bdf.csv"`);
    let gone = false;
    res.once('close', () => (gone = true));
    try {
      for await (const text of writeBdfCsv(this.pages(cellId, fromMs, toMs, first))) {
        if (gone) return;
        if (!res.write(text)) await drainedOrClosed(res);
      }
      res.end();
    } catch (error) {
      // Headers are out: cutting the chunked stream short tells the client the file is incomplete.
      res.destroy(error as Error);
    }
  }

  private async *pages(
    cellId: string,
    fromMs: number | null,
    toMs: number | null,
    first: SamplePoint[],
  ): AsyncIterable<SamplePoint> {
    let page = first;
    for (;;) {
      yield* page;
      if (page.length < PAGE_ROWS) return;
      page = await this.samples.readPage(cellId, page[page.length - 1].seq, fromMs, toMs, PAGE_ROWS);
    }
  }
}

/** Waits for the client to take more (or go away), removing both listeners either way. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
