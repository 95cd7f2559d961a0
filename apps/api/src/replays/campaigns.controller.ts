import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Roles } from '../auth/roles.decorator';
import { parseWith } from '../common/parse-with';
import { CampaignsService } from './campaigns.service';
import { createCampaignSchema, patchCampaignSchema } from './replay.dto';

@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  create(@Body() body: unknown) {
    return this.campaigns.create(parseWith(createCampaignSchema, body));
  }

  @Get()
  @Roles('admin', 'viewer')
  async list() {
    return { campaigns: await this.campaigns.list() };
  }

  @Get(':id')
  @Roles('admin', 'viewer')
  get(@Param('id') id: string) {
    return this.campaigns.require(id);
  }

  @Patch(':id')
  @Roles('admin')
  update(@Param('id') id: string, @Body() body: unknown) {
    return this.campaigns.update(id, parseWith(patchCampaignSchema, body));
  }
}
