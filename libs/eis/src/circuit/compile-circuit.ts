import { EisInputError } from '../eis-input-error';
import { expm1MinusTwoS } from './complex-expm1';
import type { ElementType } from './element-types';
import { parseCircuit, type CircuitNode, type ParsedCircuit } from './parse-circuit';

/**
 * Evaluates a circuit at fixed frequencies into preallocated buffers. `evaluate*` never allocate, so a fit can call
 * them thousands of times. Jacobian layout: column k (parameter k) occupies [k·N, (k+1)·N) of each buffer.
 */
export interface CircuitEvaluator {
  readonly parsed: ParsedCircuit;
  readonly parameterNames: readonly string[];
  readonly frequencyCount: number;
  /** Result of the last evaluation, Ω. */
  readonly zRealOhm: Float64Array;
  readonly zImagOhm: Float64Array;
  evaluate(parameters: ArrayLike<number>): void;
  evaluateWithJacobian(
    parameters: ArrayLike<number>,
    jacobianReal: Float64Array,
    jacobianImag: Float64Array,
  ): void;
}

interface Buffers {
  re: Float64Array;
  im: Float64Array;
  /** ∂Z_root/∂Z_node, filled by the backward pass. */
  sRe: Float64Array;
  sIm: Float64Array;
}

type CompiledNode =
  | (Buffers & {
      kind: 'element';
      type: ElementType;
      parameterIndex: number;
      /** Wo/Ws only: coth or tanh of √(jωτ) from the forward pass, reused by the Jacobian. */
      hRe: Float64Array;
      hIm: Float64Array;
    })
  | (Buffers & { kind: 'series' | 'parallel'; children: CompiledNode[] });

interface FrequencyTables {
  omega: Float64Array;
  lnOmega: Float64Array;
  invSqrtOmega: Float64Array;
}

const HALF_PI = Math.PI / 2;

function buildNode(node: CircuitNode, n: number): CompiledNode {
  const buffers = (): Buffers => ({
    re: new Float64Array(n),
    im: new Float64Array(n),
    sRe: new Float64Array(n),
    sIm: new Float64Array(n),
  });
  if (node.kind === 'element') {
    const diffusion = node.type === 'Wo' || node.type === 'Ws';
    return {
      kind: 'element',
      type: node.type,
      parameterIndex: node.parameterIndex,
      hRe: new Float64Array(diffusion ? n : 0),
      hIm: new Float64Array(diffusion ? n : 0),
      ...buffers(),
    };
  }
  return { kind: node.kind, children: node.children.map((c) => buildNode(c, n)), ...buffers() };
}

/** Element impedances, formulas as in impedance.py's elements.py (each cited at its case). */
function evaluateElement(
  node: Extract<CompiledNode, { kind: 'element' }>,
  p: ArrayLike<number>,
  f: FrequencyTables,
  scratch: Float64Array,
): void {
  const { re, im } = node;
  const n = re.length;
  const a = p[node.parameterIndex];
  switch (node.type) {
    case 'R':
      re.fill(a);
      im.fill(0);
      return;
    case 'C':
      // Z = 1/(jωC)
      for (let i = 0; i < n; i++) {
        re[i] = 0;
        im[i] = -1 / (f.omega[i] * a);
      }
      return;
    case 'L':
      // Z = jωL
      for (let i = 0; i < n; i++) {
        re[i] = 0;
        im[i] = f.omega[i] * a;
      }
      return;
    case 'CPE': {
      // Z = 1/(Q (jω)^α), (jω)^α = ω^α e^{jαπ/2}
      const alpha = p[node.parameterIndex + 1];
      const c = Math.cos(alpha * HALF_PI);
      const s = Math.sin(alpha * HALF_PI);
      for (let i = 0; i < n; i++) {
        const mag = Math.exp(-alpha * f.lnOmega[i]) / a;
        re[i] = mag * c;
        im[i] = -mag * s;
      }
      return;
    }
    case 'W':
      // Semi-infinite Warburg Z = σ(1 − j)/√ω
      for (let i = 0; i < n; i++) {
        const v = a * f.invSqrtOmega[i];
        re[i] = v;
        im[i] = -v;
      }
      return;
    case 'Wo':
    case 'Ws': {
      // Wo: Z0·coth(√(jωτ))/√(jωτ) (reflective); Ws: Z0·tanh(√(jωτ))/√(jωτ) (transmissive)
      const tau = p[node.parameterIndex + 1];
      const open = node.type === 'Wo';
      for (let i = 0; i < n; i++) {
        const x = Math.sqrt((f.omega[i] * tau) / 2);
        warburgRatio(x, open, scratch);
        re[i] = a * scratch[0];
        im[i] = a * scratch[1];
        node.hRe[i] = scratch[2];
        node.hIm[i] = scratch[3];
      }
      return;
    }
  }
}

/**
 * h(s)/s with s = x(1 + j), h = coth (open) or tanh (short). Writes h/s into out[0..1] and h into out[2..3].
 */
function warburgRatio(x: number, open: boolean, out: Float64Array): void {
  expm1MinusTwoS(x, out);
  const eRe = out[0];
  const eIm = out[1];
  // num/den with num, den ∈ {2 + E, −E}
  const nRe = open ? 2 + eRe : -eRe;
  const nIm = open ? eIm : -eIm;
  const dRe = open ? -eRe : 2 + eRe;
  const dIm = open ? -eIm : eIm;
  const dd = dRe * dRe + dIm * dIm;
  const hRe = (nRe * dRe + nIm * dIm) / dd;
  const hIm = (nIm * dRe - nRe * dIm) / dd;
  // 1/s = (1 − j)/(2x)
  const isRe = 1 / (2 * x);
  const isIm = -isRe;
  out[0] = hRe * isRe - hIm * isIm;
  out[1] = hRe * isIm + hIm * isRe;
  out[2] = hRe;
  out[3] = hIm;
}

function forward(node: CompiledNode, p: ArrayLike<number>, f: FrequencyTables, scratch: Float64Array): void {
  if (node.kind === 'element') {
    evaluateElement(node, p, f, scratch);
    return;
  }
  const { re, im } = node;
  const n = re.length;
  re.fill(0);
  im.fill(0);
  if (node.kind === 'series') {
    for (const child of node.children) {
      forward(child, p, f, scratch);
      for (let i = 0; i < n; i++) {
        re[i] += child.re[i];
        im[i] += child.im[i];
      }
    }
    return;
  }
  // Parallel: Z = 1/Σ(1/Z_k); accumulate admittance in place, then invert.
  for (const child of node.children) {
    forward(child, p, f, scratch);
    for (let i = 0; i < n; i++) {
      const zr = child.re[i];
      const zi = child.im[i];
      const m = zr * zr + zi * zi;
      re[i] += zr / m;
      im[i] -= zi / m;
    }
  }
  for (let i = 0; i < n; i++) {
    const yr = re[i];
    const yi = im[i];
    const m = yr * yr + yi * yi;
    re[i] = yr / m;
    im[i] = -yi / m;
  }
}

/**
 * Backward pass: ∂Z_root/∂Z_child equals the parent's sensitivity for a series child and S·(Z_p/Z_k)² for a parallel
 * child (from Z_p = 1/Σ 1/Z_k, ∂Z_p/∂Z_k = Z_p²/Z_k²).
 */
function backward(node: CompiledNode): void {
  if (node.kind === 'element') return;
  const n = node.re.length;
  for (const child of node.children) {
    if (node.kind === 'series') {
      child.sRe.set(node.sRe);
      child.sIm.set(node.sIm);
    } else {
      for (let i = 0; i < n; i++) {
        // q = Z_p/Z_k, S_k = S q²
        const zr = child.re[i];
        const zi = child.im[i];
        const m = zr * zr + zi * zi;
        const qr = (node.re[i] * zr + node.im[i] * zi) / m;
        const qi = (node.im[i] * zr - node.re[i] * zi) / m;
        const q2r = qr * qr - qi * qi;
        const q2i = 2 * qr * qi;
        child.sRe[i] = node.sRe[i] * q2r - node.sIm[i] * q2i;
        child.sIm[i] = node.sRe[i] * q2i + node.sIm[i] * q2r;
      }
    }
    backward(child);
  }
}

function elementJacobian(
  node: Extract<CompiledNode, { kind: 'element' }>,
  p: ArrayLike<number>,
  f: FrequencyTables,
  jRe: Float64Array,
  jIm: Float64Array,
): void {
  const { re, im, sRe, sIm } = node;
  const n = re.length;
  const k0 = node.parameterIndex;
  const a = p[k0];
  const o0 = k0 * n;
  const o1 = o0 + n;
  // Each case computes dZ_e/dp (dr, di) and stores S·dZ_e/dp; written out per case so the loop stays monomorphic.
  switch (node.type) {
    case 'R':
      for (let i = 0; i < n; i++) {
        jRe[o0 + i] = sRe[i];
        jIm[o0 + i] = sIm[i];
      }
      return;
    case 'C':
      // dZ/dC = −Z/C
      for (let i = 0; i < n; i++) {
        const dr = -re[i] / a;
        const di = -im[i] / a;
        jRe[o0 + i] = sRe[i] * dr - sIm[i] * di;
        jIm[o0 + i] = sRe[i] * di + sIm[i] * dr;
      }
      return;
    case 'L':
      for (let i = 0; i < n; i++) {
        const di = f.omega[i];
        jRe[o0 + i] = -sIm[i] * di;
        jIm[o0 + i] = sRe[i] * di;
      }
      return;
    case 'CPE':
      // dZ/dQ = −Z/Q; dZ/dα = −Z·ln(jω) = −Z(ln ω + jπ/2)
      for (let i = 0; i < n; i++) {
        let dr = -re[i] / a;
        let di = -im[i] / a;
        jRe[o0 + i] = sRe[i] * dr - sIm[i] * di;
        jIm[o0 + i] = sRe[i] * di + sIm[i] * dr;
        const lr = f.lnOmega[i];
        dr = -(re[i] * lr - im[i] * HALF_PI);
        di = -(re[i] * HALF_PI + im[i] * lr);
        jRe[o1 + i] = sRe[i] * dr - sIm[i] * di;
        jIm[o1 + i] = sRe[i] * di + sIm[i] * dr;
      }
      return;
    case 'W':
      for (let i = 0; i < n; i++) {
        const d = f.invSqrtOmega[i];
        jRe[o0 + i] = (sRe[i] + sIm[i]) * d;
        jIm[o0 + i] = (sIm[i] - sRe[i]) * d;
      }
      return;
    case 'Wo':
    case 'Ws': {
      // dZ/dZ0 = h/s = Z/Z0; dZ/dτ = Z0/(2τ)·[(1 − h²) − h/s], from d(coth s/s)/ds = (1 − coth²)/s − coth/s²,
      // d(tanh s/s)/ds = (1 − tanh²)/s − tanh/s² and ds/dτ = s/(2τ).
      const tau = p[k0 + 1];
      const c = a / (2 * tau);
      for (let i = 0; i < n; i++) {
        const hsRe = re[i] / a;
        const hsIm = im[i] / a;
        const hRe = node.hRe[i];
        const hIm = node.hIm[i];
        jRe[o0 + i] = sRe[i] * hsRe - sIm[i] * hsIm;
        jIm[o0 + i] = sRe[i] * hsIm + sIm[i] * hsRe;
        const dr = c * (1 - (hRe * hRe - hIm * hIm) - hsRe);
        const di = c * (-2 * hRe * hIm - hsIm);
        jRe[o1 + i] = sRe[i] * dr - sIm[i] * di;
        jIm[o1 + i] = sRe[i] * di + sIm[i] * dr;
      }
      return;
    }
  }
}

function jacobianPass(
  node: CompiledNode,
  p: ArrayLike<number>,
  f: FrequencyTables,
  jRe: Float64Array,
  jIm: Float64Array,
): void {
  if (node.kind === 'element') {
    elementJacobian(node, p, f, jRe, jIm);
    return;
  }
  for (const child of node.children) jacobianPass(child, p, f, jRe, jIm);
}

/** Parses (if needed) and binds a circuit to a frequency vector. */
export function compileCircuit(
  circuit: string | ParsedCircuit,
  frequenciesHz: ArrayLike<number>,
): CircuitEvaluator {
  const parsed = typeof circuit === 'string' ? parseCircuit(circuit) : circuit;
  const n = frequenciesHz.length;
  const tables: FrequencyTables = {
    omega: new Float64Array(n),
    lnOmega: new Float64Array(n),
    invSqrtOmega: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const f = frequenciesHz[i];
    if (!(f > 0) || !Number.isFinite(f))
      throw new EisInputError(`frequenciesHz[${i}]`, 'must be finite and > 0');
    const w = 2 * Math.PI * f;
    tables.omega[i] = w;
    tables.lnOmega[i] = Math.log(w);
    tables.invSqrtOmega[i] = 1 / Math.sqrt(w);
  }
  const root = buildNode(parsed.root, n);
  const scratch = new Float64Array(4);
  const parameterCount = parsed.parameterNames.length;
  const checkLength = (parameters: ArrayLike<number>): void => {
    if (parameters.length !== parameterCount) {
      throw new EisInputError('parameters', `expected ${parameterCount} values, got ${parameters.length}`);
    }
  };
  return {
    parsed,
    parameterNames: parsed.parameterNames,
    frequencyCount: n,
    zRealOhm: root.re,
    zImagOhm: root.im,
    evaluate(parameters) {
      checkLength(parameters);
      forward(root, parameters, tables, scratch);
    },
    evaluateWithJacobian(parameters, jacobianReal, jacobianImag) {
      checkLength(parameters);
      forward(root, parameters, tables, scratch);
      root.sRe.fill(1);
      root.sIm.fill(0);
      backward(root);
      jacobianPass(root, parameters, tables, jacobianReal, jacobianImag);
    },
  };
}

/**
 * One-shot impedance of a circuit. `parameters` is either the flat vector in parameter order or a record keyed by
 * impedance.py parameter name.
 */
export function circuitImpedance(
  circuit: string,
  parameters: ArrayLike<number> | Readonly<Record<string, number>>,
  frequenciesHz: ArrayLike<number>,
): { zRealOhm: Float64Array; zImagOhm: Float64Array } {
  const evaluator = compileCircuit(circuit, frequenciesHz);
  const vector = isArrayLike(parameters)
    ? parameters
    : evaluator.parameterNames.map((name) => {
        const v = parameters[name];
        if (typeof v !== 'number') throw new EisInputError(`parameters.${name}`, 'missing');
        return v;
      });
  evaluator.evaluate(vector);
  return { zRealOhm: evaluator.zRealOhm.slice(), zImagOhm: evaluator.zImagOhm.slice() };
}

function isArrayLike(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}
