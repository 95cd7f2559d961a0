import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { computeDrt, fitCircuit, linKk } from '@twin/eis';
import { parseWith } from '../common/parse-with';
import { eisCall } from './eis-errors';
import { eisDrtSchema, eisFitSchema, eisSpectrumSchema } from './eis-request.schema';

/** Stateless EIS tools on a posted spectrum (any valid token). */
@Controller('eis')
export class EisController {
  @Post('fit')
  @HttpCode(200)
  fit(@Body() body: unknown) {
    const req = parseWith(eisFitSchema, body);
    const result = eisCall(() =>
      fitCircuit(req.circuit, req, {
        initialGuess: req.initialGuess,
        bounds: req.bounds,
        weighting: req.weighting ?? 'modulus',
      }),
    );
    return {
      parameters: result.parameters,
      rmsRelErrorPct: result.rmsRelErrorPct,
      chiSquare: result.chiSquare,
      iterations: result.iterations,
      elapsedMs: result.elapsedMs,
      weighting: result.weighting,
      starts: result.starts,
    };
  }

  @Post('validate')
  @HttpCode(200)
  validate(@Body() body: unknown) {
    const req = parseWith(eisSpectrumSchema, body);
    const r = eisCall(() => linKk(req));
    return {
      valid: r.valid,
      rcElements: r.rcElements,
      mu: r.mu,
      residualRealPct: r.residualRealPct,
      residualImagPct: r.residualImagPct,
      residualRmsPct: r.residualRmsPct,
    };
  }

  @Post('drt')
  @HttpCode(200)
  drt(@Body() body: unknown) {
    const req = parseWith(eisDrtSchema, body);
    const r = eisCall(() => computeDrt(req, req.lambda !== undefined ? { lambda: req.lambda } : {}));
    return {
      tauS: r.tauS,
      gammaOhm: r.gammaOhm,
      lambda: r.lambda,
      seriesResistanceOhm: r.seriesResistanceOhm,
    };
  }
}
