import { Injectable } from '@nestjs/common';
import type { CellConfig } from '@twin/contracts';
import type { TwinModelPlugin } from '@twin/twin';

/**
 * Chooses the model that rides on each cell's twin step. Without a physics model the twin still
 * counts coulombs and cycles; the interface model registers itself here.
 */
@Injectable()
export class TwinModelRegistry {
  private factory: ((cell: CellConfig) => TwinModelPlugin) | null = null;

  register(factory: (cell: CellConfig) => TwinModelPlugin): void {
    this.factory = factory;
  }

  pluginFor(cell: CellConfig): TwinModelPlugin | null {
    return this.factory ? this.factory(cell) : null;
  }
}
