import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { AlertsModule } from './alerts/alerts.module';
import { BusModule } from './bus/bus.module';
import { CoreModule } from './core.module';
import { EisModule } from './eis/eis.module';
import { ImportsModule } from './imports/imports.module';
import { ModelModule } from './model/model.module';
import { OpsModule } from './ops/ops.module';
import { ReplaysModule } from './replays/replays.module';

/** Capabilities plug in here, one Nest module each, on top of the core live path. */
const FEATURE_MODULES: DynamicModule['imports'] = [
  ModelModule,
  EisModule,
  ImportsModule,
  AlertsModule,
  ReplaysModule,
  OpsModule,
  BusModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [CoreModule.forRoot(config), ...(FEATURE_MODULES ?? [])] };
  }
}
