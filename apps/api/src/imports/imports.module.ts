import { Module } from '@nestjs/common';
import { IMPORTS_CONFIG, loadImportsConfig } from './imports-config';
import { ImportsController } from './imports.controller';
import { ImportsGateway } from './imports.gateway';
import { ImportsService } from './imports.service';
import { SamplesExportService } from './samples-export.service';

/** Cycler-file uploads (`POST /imports`), their progress rooms on `/live`, and the BDF export stream. */
@Module({
  controllers: [ImportsController],
  providers: [
    { provide: IMPORTS_CONFIG, useFactory: () => loadImportsConfig() },
    ImportsService,
    ImportsGateway,
    SamplesExportService,
  ],
  exports: [SamplesExportService],
})
export class ImportsModule {}
