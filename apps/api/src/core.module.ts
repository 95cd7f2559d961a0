import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { TokenRepository } from './auth/token.repository';
import { TokensController } from './auth/tokens.controller';
import { CellsController } from './cells/cells.controller';
import { CellsRepository } from './cells/cells.repository';
import { CellsService } from './cells/cells.service';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { DatabaseService } from './database/database.service';
import { HealthController } from './health/health.controller';
import { IngestService } from './ingest/ingest.service';
import { SampleIntakeService } from './ingest/sample-intake.service';
import { LiveEmitterService } from './live/live-emitter.service';
import { LiveGateway } from './live/live.gateway';
import { CellLeaseRepository } from './ownership/cell-lease.repository';
import { CellOwnershipService } from './ownership/cell-ownership.service';
import { RigMessageRegistry } from './rigs/rig-message.registry';
import { RigsGateway } from './rigs/rigs.gateway';
import { SamplesController } from './samples/samples.controller';
import { SamplesRepository } from './samples/samples.repository';
import { TwinModelRegistry } from './twin/twin-model.registry';
import { TwinRepository } from './twin/twin.repository';
import { TwinService } from './twin/twin.service';

const SHARED = [
  DatabaseService,
  TokenRepository,
  AuthService,
  CellsRepository,
  CellsService,
  SamplesRepository,
  TwinRepository,
  TwinModelRegistry,
  CellLeaseRepository,
  CellOwnershipService,
  TwinService,
  IngestService,
  SampleIntakeService,
  LiveGateway,
  RigMessageRegistry,
];

/**
 * The live data path every capability builds on: config, database, auth, cells, ingest, twin and
 * the `/live` gateway. Global, so feature modules (eis, alerts, imports, replays, …) inject these
 * without re-declaring them.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      controllers: [HealthController, TokensController, CellsController, SamplesController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: DatabaseService,
          inject: [APP_CONFIG],
          useFactory: async (c: AppConfig) => {
            const db = new DatabaseService(c);
            await db.connect();
            return db;
          },
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        ...SHARED.filter((p) => p !== DatabaseService),
        LiveEmitterService,
        RigsGateway,
      ],
      exports: [APP_CONFIG, ...SHARED],
    };
  }
}
