import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { throttleLatestPerKey } from '@twin/twin';
import type { Subscription } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TwinService } from '../twin/twin.service';
import { cellRoom } from './live-events';
import { LiveGateway } from './live.gateway';

/** Twin states → at most N per second per cell, newest always delivered → the cell's room. */
@Injectable()
export class LiveEmitterService implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly twin: TwinService,
    private readonly gateway: LiveGateway,
  ) {}

  onModuleInit(): void {
    this.subscription = this.twin.states$
      .pipe(throttleLatestPerKey((s) => s.cellId, 1000 / this.config.liveMaxPerSecond))
      .subscribe((state) => this.gateway.clientSend('twin', cellRoom(state.cellId), state));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
