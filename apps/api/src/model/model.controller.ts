import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  evaluateInterface,
  InterfaceModelInputError,
  listMaterials,
  PARAMETER_DOCS,
  DEFAULT_PARAMETERS,
  type InterfaceModelParams,
  type InterfaceQuery,
} from '@twin/interface-model';
import { DomainError } from '../common/domain-error';

function asObject(body: unknown, field: string): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw DomainError.validation([{ field, reason: 'must be an object' }]);
  }
  return body as Record<string, unknown>;
}

/** The what-if tool: evaluates the interface model without a cell (any valid token). */
@Controller()
export class ModelController {
  @Post('model/interface')
  @HttpCode(200)
  evaluate(@Body() body: unknown) {
    const request = asObject(body, 'body');
    const params = request.parameters === undefined ? {} : asObject(request.parameters, 'parameters');
    const query = (request.physics !== undefined
      ? asObject(request.physics, 'physics')
      : request) as unknown as InterfaceQuery;
    try {
      const result = evaluateInterface(query, params as Partial<InterfaceModelParams>);
      return {
        interface: result.interface,
        profile: result.profile,
        regime: result.regime.regime,
        regimeDecision: { rule: result.regime.rule, deciding: result.regime.deciding },
        mechanics: result.mechanics,
        model: result.model,
        modelUsed: result.modelUsed,
      };
    } catch (error) {
      if (error instanceof InterfaceModelInputError) {
        const prefix = request.physics !== undefined && !error.field.startsWith('physics') ? 'physics.' : '';
        throw DomainError.validation(
          [{ field: `${prefix}${error.field}`, reason: error.reason }],
          error.message,
        );
      }
      throw error;
    }
  }

  @Get('materials')
  materials() {
    return { materials: listMaterials() };
  }

  @Get('model/parameters')
  parameters() {
    return { defaults: DEFAULT_PARAMETERS, docs: PARAMETER_DOCS };
  }
}
