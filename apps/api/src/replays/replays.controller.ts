import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Roles } from '../auth/roles.decorator';
import { DomainError } from '../common/domain-error';
import { parseWith } from '../common/parse-with';
import { createReplaySchema, seekSchema } from './replay.dto';
import { ReplaysService } from './replays.service';

/** Replays change no live state, so viewers may run and steer them too. */
@Controller('replays')
@Roles('admin', 'viewer')
export class ReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown) {
    return this.replays.create(parseWith(createReplaySchema, body));
  }

  @Get('compare')
  compare(@Query('a') a: unknown, @Query('b') b: unknown) {
    const problems = [
      ...(typeof a === 'string' && a ? [] : [{ field: 'a', reason: 'required' }]),
      ...(typeof b === 'string' && b ? [] : [{ field: 'b', reason: 'required' }]),
    ];
    if (problems.length > 0) throw DomainError.validation(problems);
    return this.replays.compare(a as string, b as string);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.replays.get(id);
  }

  @Get(':id/summary')
  summary(@Param('id') id: string) {
    return this.replays.summary(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id') id: string) {
    return this.replays.pause(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id') id: string) {
    return this.replays.resume(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string) {
    return this.replays.cancel(id);
  }

  @Post(':id/seek')
  @HttpCode(200)
  seek(@Param('id') id: string, @Body() body: unknown) {
    return this.replays.seek(id, parseWith(seekSchema, body).ts);
  }
}
