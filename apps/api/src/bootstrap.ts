import 'reflect-metadata';
import { join } from 'node:path';
import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { AuthService } from './auth/auth.service';
import { bodyParsers } from './common/body-parsers';
import { dashboardStatic } from './common/dashboard-static';
import { findRepoRoot } from './database/find-migrations-dir';
import type { AppConfig } from './config/app-config';
import { opsHttpHandlers } from './ops/ops-http';
import { socketAdapter } from './scale/redis-io.adapter';
import { TwinService } from './twin/twin.service';

const LOG_LEVELS: Record<AppConfig['logLevel'], LogLevel[] | false> = {
  silent: false,
  info: ['log', 'warn', 'error', 'fatal'],
  debug: ['log', 'warn', 'error', 'fatal', 'debug', 'verbose'],
};

/** Builds and starts the service; shared by `main.ts` and the end-to-end tests. */
export async function startApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: LOG_LEVELS[config.logLevel],
  });
  app.useWebSocketAdapter(socketAdapter(app));
  app.disable('x-powered-by');
  for (const handler of opsHttpHandlers(app)) app.use(handler);
  for (const parser of bodyParsers()) app.use(parser);
  for (const handler of dashboardStatic(join(findRepoRoot(), 'dist', 'dashboard'))) app.use(handler);
  app.setGlobalPrefix('api/v1');
  app.enableShutdownHooks();
  // Module init hooks first: capabilities register the twin's model plugin there, and recovery must use it.
  await app.init();
  await app.get(AuthService).ensureAdminToken();
  await app.get(TwinService).recoverAll();
  await app.listen(config.port, config.host);
  Logger.log(`Operando Twin listening on http://localhost:${config.port}`, 'bootstrap');
  return app;
}
