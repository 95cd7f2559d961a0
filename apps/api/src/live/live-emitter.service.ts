import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { rateLimitLatestPerKey } from '@twin/twin';
import type { Subscription } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TwinService } from '../twin/twin.service';
import { cellRoom } from './live-events';
import { LiveGateway } from './live.gateway';

/**
 * A late state followed by an early one (jitter around the limit rate) both go out at once; a stream
 * kept above the limit is cut to LIVE_MAX_PER_SECOND.
 */
const LIVE_BURST = 3;

/** Twin states → at most N per second per cell on average, newest always delivered → the cell's room. */
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
      .pipe(rateLimitLatestPerKey((s) => s.cellId, this.config.liveMaxPerSecond, LIVE_BURST))
      .subscribe((state) => this.gateway.clientSend('twin', cellRoom(state.cellId), state));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
