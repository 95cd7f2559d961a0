import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { AuthedRequest } from '../auth/auth.guard';
import { Roles } from '../auth/roles.decorator';
import { CellsService } from '../cells/cells.service';
import { DomainError } from '../common/domain-error';
import { parseLimit, parseTimeParam } from '../samples/samples-query';
import { SpectraRepository } from './spectra.repository';
import { SpectrumIntakeService } from './spectrum-intake.service';

@Controller('cells/:id')
export class SpectraController {
  constructor(
    private readonly intake: SpectrumIntakeService,
    private readonly spectra: SpectraRepository,
    private readonly cells: CellsService,
  ) {}

  @Post('spectra')
  @HttpCode(201)
  @Roles('admin', 'rig')
  create(@Param('id') id: string, @Body() body: unknown, @Req() req: AuthedRequest) {
    return this.intake.intake(req.principal, id, body);
  }

  @Get('spectra')
  @Roles('admin', 'viewer')
  async list(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    await this.cells.require(id);
    const spectra = await this.spectra.list(
      id,
      parseTimeParam(query.from, 'from'),
      parseTimeParam(query.to, 'to'),
      parseLimit(query.limit, 1000, 10_000),
    );
    return { spectra };
  }

  /** Trajectory of one fitted parameter against time, cycle and SOC. */
  @Get('fits')
  @Roles('admin', 'viewer')
  async fits(@Param('id') id: string, @Query('param') param: unknown) {
    await this.cells.require(id);
    if (typeof param !== 'string' || param === '') {
      throw DomainError.validation([{ field: 'param', reason: 'required, e.g. R2' }]);
    }
    return { param, points: await this.spectra.trajectory(id, param) };
  }
}
