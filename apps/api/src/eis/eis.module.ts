import { Module, type OnModuleInit } from '@nestjs/common';
import { RigMessageRegistry } from '../rigs/rig-message.registry';
import { EisController } from './eis.controller';
import { SpectraController } from './spectra.controller';
import { SpectraRepository } from './spectra.repository';
import { SpectrumIntakeService } from './spectrum-intake.service';
import { SpectrumProcessorService } from './spectrum-processor.service';

/** EIS: stateless fit/validate/DRT tools, and live spectra stored, checked, fitted and fed to the twin. */
@Module({
  controllers: [EisController, SpectraController],
  providers: [SpectraRepository, SpectrumProcessorService, SpectrumIntakeService],
  exports: [SpectrumProcessorService, SpectraRepository],
})
export class EisModule implements OnModuleInit {
  constructor(
    private readonly rigs: RigMessageRegistry,
    private readonly intake: SpectrumIntakeService,
  ) {}

  onModuleInit(): void {
    this.rigs.register('spectrum', (principal, body) => {
      const { cellId, ...spectrum } = (body ?? {}) as { cellId?: unknown };
      return this.intake.intake(principal, cellId, spectrum);
    });
  }
}
