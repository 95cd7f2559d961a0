import { Module, type OnModuleInit } from '@nestjs/common';
import { InterfaceModelInputError, prepareCell } from '@twin/interface-model';
import { CellsService } from '../cells/cells.service';
import { TwinModelRegistry } from '../twin/twin-model.registry';
import { interfaceModelPlugin } from './interface-model.plugin';
import { ModelController } from './model.controller';

/** Plugs the interface model into every cell's twin and serves the what-if endpoint. */
@Module({ controllers: [ModelController] })
export class ModelModule implements OnModuleInit {
  constructor(
    private readonly registry: TwinModelRegistry,
    private readonly cells: CellsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(interfaceModelPlugin);
    // A cell must name materials the model knows (or define them in its modelParameters).
    this.cells.useMaterialCheck((input) => {
      try {
        prepareCell(
          { cathode: input.cathode, electrolyte: input.electrolyte, coating: input.coating ?? null },
          (input.modelParameters ?? {}) as never,
        );
        return [];
      } catch (error) {
        if (error instanceof InterfaceModelInputError) return [{ field: error.field, reason: error.reason }];
        throw error;
      }
    });
  }
}
