import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { AuthedRequest } from '../auth/auth.guard';
import { Roles } from '../auth/roles.decorator';
import { ImportsService } from './imports.service';

@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** Multipart fields: `cellId`, optional `format`, `campaignId`, `importId`, then `file`. */
  @Post()
  @HttpCode(201)
  @Roles('admin', 'rig')
  upload(@Req() req: AuthedRequest) {
    return this.imports.upload(req.principal, req);
  }
}
