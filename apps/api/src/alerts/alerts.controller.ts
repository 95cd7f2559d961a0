import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { alertsQuerySchema } from '@twin/contracts';
import { Roles } from '../auth/roles.decorator';
import { parseWith } from '../common/parse-with';
import { AlertsService } from './alerts.service';

@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Roles('admin', 'viewer')
  async list(@Query() query: unknown) {
    return { alerts: await this.alerts.list(parseWith(alertsQuerySchema, query)) };
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('admin', 'viewer')
  ack(@Param('id') id: string) {
    return this.alerts.acknowledge(id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('admin', 'viewer')
  resolve(@Param('id') id: string) {
    return this.alerts.resolve(id);
  }
}
