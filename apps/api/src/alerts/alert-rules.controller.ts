import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { createAlertRuleSchema, patchAlertRuleSchema } from '@twin/contracts';
import { Roles } from '../auth/roles.decorator';
import { parseWith } from '../common/parse-with';
import { AlertRulesService } from './alert-rules.service';

@Controller('alert-rules')
@Roles('admin')
export class AlertRulesController {
  constructor(private readonly rules: AlertRulesService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown) {
    return this.rules.create(parseWith(createAlertRuleSchema, body));
  }

  @Get()
  async list() {
    return { rules: await this.rules.list() };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.rules.get(id);
  }

  @Patch(':id')
  patch(@Param('id') id: string, @Body() body: unknown) {
    return this.rules.patch(id, parseWith(patchAlertRuleSchema, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.rules.delete(id);
  }
}
