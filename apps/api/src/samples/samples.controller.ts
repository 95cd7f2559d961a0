import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { SamplePoint } from '@twin/contracts';
import type { Response } from 'express';
import type { AuthedRequest } from '../auth/auth.guard';
import { Roles } from '../auth/roles.decorator';
import { CellsService } from '../cells/cells.service';
import { DomainError } from '../common/domain-error';
import { SamplesExportService } from '../imports/samples-export.service';
import { SampleIntakeService } from '../ingest/sample-intake.service';
import { parseNdjson } from './ndjson';
import { decodeCursor, encodeCursor, parseBucket, parseLimit, parseTimeParam } from './samples-query';
import { SamplesRepository } from './samples.repository';

const MAX_SERIES_BUCKETS = 20_000;

function sampleJson(s: SamplePoint) {
  return {
    seq: s.seq,
    ts: new Date(s.tsMs).toISOString(),
    voltageV: s.voltageV,
    currentA: s.currentA,
    temperatureC: s.temperatureC ?? null,
    cycle: s.cycle ?? null,
    step: s.step ?? null,
  };
}

function csvValue(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

@Controller('cells/:id')
export class SamplesController {
  constructor(
    private readonly intake: SampleIntakeService,
    private readonly samples: SamplesRepository,
    private readonly cells: CellsService,
  ) {}

  @Post('samples')
  @Roles('admin', 'rig')
  ingest(@Param('id') id: string, @Body() body: unknown, @Req() req: AuthedRequest) {
    let raw: unknown;
    if (typeof body === 'string') {
      raw = parseNdjson(body);
    } else if (body && typeof body === 'object' && 'samples' in body) {
      raw = (body as { samples: unknown }).samples;
    }
    if (!Array.isArray(raw)) {
      throw DomainError.validation([{ field: 'samples', reason: 'must be an array (or an NDJSON body)' }]);
    }
    return this.intake.intake(req.principal, id, raw);
  }

  @Get('samples')
  @Roles('admin', 'viewer')
  async read(@Param('id') id: string, @Query() query: Record<string, unknown>, @Res() res: Response) {
    await this.cells.require(id);
    if (query.format === 'bdf') {
      // Battery Data Format for cellpy/BEEP/PyBaMM users: the whole range, streamed, no paging.
      return new SamplesExportService(this.samples).streamBdf(
        id,
        parseTimeParam(query.from, 'from'),
        parseTimeParam(query.to, 'to'),
        res,
      );
    }
    const limit = parseLimit(query.limit, 1000, 50_000);
    const afterSeq = decodeCursor(query.next);
    const page = await this.samples.readPage(
      id,
      afterSeq,
      parseTimeParam(query.from, 'from'),
      parseTimeParam(query.to, 'to'),
      limit,
    );
    const next = page.length === limit ? encodeCursor(page[page.length - 1].seq) : null;
    const format = query.format ?? 'json';
    if (format === 'csv') {
      if (next) res.setHeader('X-Next-Cursor', next);
      res
        .type('text/csv')
        .send(
          ['seq,ts,voltageV,currentA,temperatureC,cycle,step']
            .concat(
              page.map((s) =>
                [s.seq, new Date(s.tsMs).toISOString(), s.voltageV, s.currentA]
                  .concat([csvValue(s.temperatureC), csvValue(s.cycle), csvValue(s.step)])
                  .join(','),
              ),
            )
            .join('\n') + '\n',
        );
      return;
    }
    if (format !== 'json')
      throw DomainError.validation([{ field: 'format', reason: 'must be json, csv or bdf' }]);
    res.json({ samples: page.map(sampleJson), next });
  }

  @Get('series')
  @Roles('admin', 'viewer')
  async series(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    await this.cells.require(id);
    const bucketSeconds = parseBucket(query.bucket);
    let fromMs = parseTimeParam(query.from, 'from');
    let toMs = parseTimeParam(query.to, 'to');
    if (fromMs === null || toMs === null) {
      const range = await this.samples.timeRange(id);
      if (!range) return { bucketSeconds, series: [] };
      fromMs ??= range.fromMs;
      toMs ??= range.toMs + 1;
    }
    if (toMs <= fromMs) throw DomainError.validation([{ field: 'to', reason: 'must be after from' }]);
    if ((toMs - fromMs) / 1000 / bucketSeconds > MAX_SERIES_BUCKETS) {
      throw DomainError.validation([
        { field: 'bucket', reason: `range/bucket gives more than ${MAX_SERIES_BUCKETS} buckets` },
      ]);
    }
    return { bucketSeconds, series: await this.samples.series(id, fromMs, toMs, bucketSeconds) };
  }
}
