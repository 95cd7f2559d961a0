import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { createCellSchema } from '@twin/contracts';
import { Roles } from '../auth/roles.decorator';
import { parseWith } from '../common/parse-with';
import { TwinService } from '../twin/twin.service';
import { CellsService } from './cells.service';

@Controller('cells')
export class CellsController {
  constructor(
    private readonly cells: CellsService,
    private readonly twin: TwinService,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  create(@Body() body: unknown) {
    return this.cells.create(parseWith(createCellSchema, body));
  }

  @Get()
  @Roles('admin', 'viewer')
  async list() {
    return { cells: await this.cells.list() };
  }

  @Get(':id')
  @Roles('admin', 'viewer')
  get(@Param('id') id: string) {
    return this.cells.view(id);
  }

  @Get(':id/cycles')
  @Roles('admin', 'viewer')
  async cycles(@Param('id') id: string) {
    await this.cells.require(id);
    return { cycles: await this.twin.cycles(id) };
  }
}
