import type { CircuitEvaluator } from '../circuit/compile-circuit';
import type { LeastSquaresProblem } from './levenberg-marquardt';
import { derivative, toPhysical, type ParameterTransform } from './parameter-transform';

export type JacobianMode = 'analytic' | 'forward-difference';

export interface CircuitProblem extends LeastSquaresProblem {
  /** Full physical parameter vector (fixed ones included) for internal variables u. */
  physical(u: Float64Array, out: Float64Array): void;
}

/**
 * Stacked weighted residuals r = [s_re(Ẑ' − Z'); s_im(Ẑ'' − Z'')] over the free parameters in internal coordinates.
 * All buffers are allocated once here; the LM loop only calls into them.
 */
export function makeCircuitProblem(
  evaluator: CircuitEvaluator,
  zRealOhm: Float64Array,
  zImagOhm: Float64Array,
  scales: { real: Float64Array; imag: Float64Array },
  transform: ParameterTransform,
  fixedValues: Float64Array,
  jacobianMode: JacobianMode,
): CircuitProblem {
  const n = evaluator.frequencyCount;
  const total = fixedValues.length;
  const free = transform.free;
  const p = fixedValues.slice();
  const jRe = new Float64Array(total * n);
  const jIm = new Float64Array(total * n);
  const uWork = new Float64Array(free.length);
  const rWork = new Float64Array(2 * n);

  const physical = (u: Float64Array, out: Float64Array): void => {
    out.set(fixedValues);
    for (let f = 0; f < free.length; f++) out[free[f]] = toPhysical(transform, free[f], u[f]);
  };

  const fillResiduals = (r: Float64Array): number => {
    const zr = evaluator.zRealOhm;
    const zi = evaluator.zImagOhm;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const a = scales.real[i] * (zr[i] - zRealOhm[i]);
      const b = scales.imag[i] * (zi[i] - zImagOhm[i]);
      r[i] = a;
      r[n + i] = b;
      sum += a * a + b * b;
    }
    return sum;
  };

  const residuals = (u: Float64Array, r: Float64Array): number => {
    physical(u, p);
    evaluator.evaluate(p);
    return fillResiduals(r);
  };

  const analytic = (u: Float64Array, r: Float64Array, jacobian: Float64Array): number => {
    physical(u, p);
    evaluator.evaluateWithJacobian(p, jRe, jIm);
    const sum = fillResiduals(r);
    const m = 2 * n;
    for (let f = 0; f < free.length; f++) {
      const k = free[f];
      const d = derivative(transform, k, p[k]);
      const src = k * n;
      const dst = f * m;
      for (let i = 0; i < n; i++) {
        jacobian[dst + i] = scales.real[i] * jRe[src + i] * d;
        jacobian[dst + n + i] = scales.imag[i] * jIm[src + i] * d;
      }
    }
    return sum;
  };

  // Forward differences in u on the compiled evaluator: one extra sweep per free parameter, buffers reused.
  const forwardDifference = (u: Float64Array, r: Float64Array, jacobian: Float64Array): number => {
    const sum = residuals(u, r);
    const m = 2 * n;
    uWork.set(u);
    for (let f = 0; f < free.length; f++) {
      const step = 1e-7 * Math.max(1, Math.abs(u[f]));
      uWork[f] = u[f] + step;
      residuals(uWork, rWork);
      uWork[f] = u[f];
      const dst = f * m;
      for (let i = 0; i < m; i++) jacobian[dst + i] = (rWork[i] - r[i]) / step;
    }
    return sum;
  };

  return {
    residualCount: 2 * n,
    parameterCount: free.length,
    residuals,
    residualsAndJacobian: jacobianMode === 'analytic' ? analytic : forwardDifference,
    physical,
  };
}
