import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { rateLimitLatestPerKey, TokenBuckets } from '@twin/twin';
import type { Subscription } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TwinService } from '../twin/twin.service';
import { cellRoom } from './live-events';
import { LiveGateway } from './live.gateway';

/** Tokens kept back for newest states (see onModuleInit). */
const JITTER_RESERVE = 2;

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
    // LIVE_BURST (3): a late state followed by an early one (jitter around the limit rate) both go
    // out at once; a stream kept above the limit is cut to LIVE_MAX_PER_SECOND.
    const buckets = new TokenBuckets(this.config.liveMaxPerSecond, this.config.liveBurst);
    // States before a batch's newest get only tokens beyond one for the newest and JITTER_RESERVE for
    // the next batches' newest: freshness first. At the default burst there are none; a higher
    // LIVE_BURST lets a rig's batched samples reach the browser as that many points.
    this.twin.setLiveRoom((cellId) => Math.floor(buckets.available(cellId, Date.now())) - 1 - JITTER_RESERVE);
    this.subscription = this.twin.states$
      .pipe(rateLimitLatestPerKey((s) => s.cellId, buckets))
      .subscribe((state) => this.gateway.clientSend('twin', cellRoom(state.cellId), state));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
