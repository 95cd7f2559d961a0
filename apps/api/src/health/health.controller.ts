import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '../auth/roles.decorator';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DatabaseService } from '../database/database.service';

@Controller()
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
  ) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'ok', database: this.db.variant, version: this.config.version };
  }
}
