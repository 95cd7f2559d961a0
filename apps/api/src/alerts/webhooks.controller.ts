import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { createWebhookSchema } from '@twin/contracts';
import { Roles } from '../auth/roles.decorator';
import { parseWith } from '../common/parse-with';
import { WebhooksService } from './webhooks.service';

@Controller('webhooks')
@Roles('admin')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown) {
    return this.webhooks.create(parseWith(createWebhookSchema, body));
  }

  @Get()
  async list() {
    return { webhooks: await this.webhooks.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.webhooks.delete(id);
  }

  @Get(':id/deliveries')
  async deliveries(@Param('id') id: string) {
    return { deliveries: await this.webhooks.deliveries(id) };
  }
}
