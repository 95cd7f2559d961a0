import { Module } from '@nestjs/common';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { ReplaySamplesRepository } from './replay-samples.repository';
import { loadReplaysConfig, REPLAYS_CONFIG } from './replays-config';
import { ReplaysController } from './replays.controller';
import { ReplaysRepository } from './replays.repository';
import { ReplaysService } from './replays.service';

/** Campaigns and replays (issue #8): stored data through the live pipeline code, on private state. */
@Module({
  controllers: [CampaignsController, ReplaysController],
  providers: [
    { provide: REPLAYS_CONFIG, useFactory: () => loadReplaysConfig() },
    CampaignsRepository,
    CampaignsService,
    ReplaySamplesRepository,
    ReplaysRepository,
    ReplaysService,
  ],
  exports: [CampaignsService, ReplaysService],
})
export class ReplaysModule {}
