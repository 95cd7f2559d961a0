import { compileCircuit, type CircuitEvaluator } from '../circuit/compile-circuit';
import type { CircuitNode, ElementNode, ParsedCircuit } from '../circuit/parse-circuit';
import { computeDrt, findDrtPeaks, type DrtPeak } from '../drt/drt';
import type { CheckedSpectrum } from '../spectrum';

/**
 * Initial guesses derived from the spectrum alone, so that fits need no user input:
 * - DRT (fixed λ, coarse grid) gives the high-frequency intercept R_∞ and the arcs as peaks (τ_k, R_k); arcs are
 *   matched to the circuit's parallel groups in order of appearance, fastest first, since circuits are written from
 *   high to low frequency. An RC arc's apex sits at ω = 1/(RC), a CPE's at ω = (RQ)^(−1/α) (Hsu & Mansfeld,
 *   Corrosion 57, 747 (2001)), so C = τ/R and Q = τ^α/R.
 * - Low-frequency tail elements in series (W, Wo, Ws, C, CPE) take what the arcs leave: their magnitude is linear,
 *   so it comes from a weighted linear least-squares on Z − Z_rest; τ or α is scanned on a grid.
 * Several peak-to-arc assignments are built and ranked by their misfit; the caller starts LM from the best few.
 */

interface Scales {
  omegaMin: number;
  omegaMax: number;
  omegaMid: number;
  zMaxOhm: number;
  rInfOhm: number;
  rPolOhm: number;
}

interface TopLevelItem {
  node: CircuitNode;
  role: 'series-r' | 'inductor' | 'arc' | 'tail' | 'other';
  evaluator: CircuitEvaluator;
}

function subEvaluator(parsed: ParsedCircuit, node: CircuitNode, f: Float64Array): CircuitEvaluator {
  return compileCircuit({ circuit: '', root: node, elements: [], parameterNames: parsed.parameterNames }, f);
}

function collectElements(node: CircuitNode, out: ElementNode[] = []): ElementNode[] {
  if (node.kind === 'element') out.push(node);
  else for (const c of node.children) collectElements(c, out);
  return out;
}

function classify(node: CircuitNode): TopLevelItem['role'] {
  if (node.kind === 'element') {
    switch (node.type) {
      case 'R':
        return 'series-r';
      case 'L':
        return 'inductor';
      case 'C':
      case 'CPE':
      case 'W':
      case 'Wo':
      case 'Ws':
        return 'tail';
    }
  }
  if (node.kind === 'parallel') return 'arc';
  return 'other';
}

/** Scale-aware defaults for every element, overwritten where the spectrum says more. */
function setDefaults(parsed: ParsedCircuit, s: Scales, p: Float64Array): void {
  const zs = Math.max(s.rPolOhm, 1e-3 * s.zMaxOhm);
  for (const e of parsed.elements) {
    const k = e.parameterIndex;
    switch (e.type) {
      case 'R':
        p[k] = 0.1 * zs;
        break;
      case 'C':
        p[k] = 1 / (s.omegaMid * zs);
        break;
      case 'L':
        p[k] = (1e-3 * zs) / s.omegaMax;
        break;
      case 'CPE':
        p[k] = 1 / (Math.pow(s.omegaMid, 0.9) * zs);
        p[k + 1] = 0.9;
        break;
      case 'W':
        p[k] = 0.1 * zs * Math.sqrt(s.omegaMid);
        break;
      case 'Wo':
      case 'Ws':
        p[k] = 0.5 * zs;
        p[k + 1] = 1 / s.omegaMin;
        break;
    }
  }
}

function firstOfType(node: CircuitNode, types: readonly string[]): ElementNode | undefined {
  return collectElements(node).find((e) => types.includes(e.type));
}

/** Sets the R and C/CPE of an arc group so its relaxation time is τ and its resistance R. */
function setArc(node: CircuitNode, peak: DrtPeak, p: Float64Array): void {
  const r = firstOfType(node, ['R']);
  const c = firstOfType(node, ['C', 'CPE']);
  const rOhm = Math.max(peak.resistanceOhm, 1e-12);
  if (r) p[r.parameterIndex] = rOhm;
  if (!c) return;
  if (c.type === 'C') p[c.parameterIndex] = peak.tauS / rOhm;
  else {
    const alpha = cpeAlphaFromPeak(peak);
    p[c.parameterIndex + 1] = alpha;
    p[c.parameterIndex] = Math.pow(peak.tauS, alpha) / rOhm;
  }
}

/**
 * A ZARC (R‖CPE) has the DRT γ(x) = (R/2π)·sin((1−α)π)/(cosh(αx) − cos((1−α)π)), x = ln(τ/τ₀) (Fuoss–Kirkwood;
 * e.g. Boukamp, J. Phys. Energy 2, 042001 (2020)), whose height at x = 0 is (R/2π)·cot((1−α)π/2). Inverting gives
 * α from the peak's height-to-area ratio. Regularisation flattens peaks, so this underestimates α for near-ideal
 * arcs; clamped to [0.5, 0.95].
 */
function cpeAlphaFromPeak(peak: DrtPeak): number {
  if (!(peak.resistanceOhm > 0) || !(peak.gammaMaxOhm > 0)) return 0.9;
  const alpha = 1 - (2 / Math.PI) * Math.atan(peak.resistanceOhm / (2 * Math.PI * peak.gammaMaxOhm));
  return Math.min(0.95, Math.max(0.5, alpha));
}

interface Residual {
  re: Float64Array;
  im: Float64Array;
  /** 1/|Z| weights. */
  w: Float64Array;
}

/** Weighted LS of the complex residual onto one complex shape h: returns the best non-negative scale and misfit. */
function scaleFit(res: Residual, hRe: Float64Array, hIm: Float64Array): { scale: number; misfit: number } {
  let num = 0;
  let den = 0;
  for (let i = 0; i < hRe.length; i++) {
    const w2 = res.w[i] * res.w[i];
    num += w2 * (hRe[i] * res.re[i] + hIm[i] * res.im[i]);
    den += w2 * (hRe[i] * hRe[i] + hIm[i] * hIm[i]);
  }
  const scale = den > 0 ? Math.max(num / den, 0) : 0;
  let misfit = 0;
  for (let i = 0; i < hRe.length; i++) {
    const a = res.re[i] - scale * hRe[i];
    const b = res.im[i] - scale * hIm[i];
    misfit += res.w[i] * res.w[i] * (a * a + b * b);
  }
  return { scale, misfit };
}

interface TailShapes {
  element: ElementNode;
  /** Shape parameter (τ or α) per candidate, undefined for one-parameter elements. */
  shapes: (number | undefined)[];
  /** Impedance of the element with unit magnitude parameter, per candidate shape. */
  re: Float64Array[];
  im: Float64Array[];
}

/**
 * Tail elements are linear in their magnitude (Z0, σ, 1/C, 1/Q), so their shapes are computed once at unit
 * magnitude on a grid of τ (10⁻³…10²/ω_min) or α (0.4…1) and only scaled per candidate.
 */
function tailShapes(parsed: ParsedCircuit, e: ElementNode, f: Float64Array, s: Scales): TailShapes {
  const ev = compileCircuit({ circuit: '', root: e, elements: [], parameterNames: parsed.parameterNames }, f);
  const p = new Float64Array(parsed.parameterNames.length);
  const shapes: (number | undefined)[] = [];
  if (e.type === 'Wo' || e.type === 'Ws') {
    for (let d = -3; d <= 2.01; d += 0.5) shapes.push(Math.pow(10, d) / s.omegaMin);
  } else if (e.type === 'CPE') {
    for (let a = 0.4; a <= 1.001; a += 0.1) shapes.push(a);
  } else shapes.push(undefined);
  const out: TailShapes = { element: e, shapes, re: [], im: [] };
  for (const shape of shapes) {
    p[e.parameterIndex] = 1;
    if (shape !== undefined) p[e.parameterIndex + 1] = shape;
    ev.evaluate(p);
    out.re.push(ev.zRealOhm.slice());
    out.im.push(ev.zImagOhm.slice());
  }
  return out;
}

/** Fits one tail element to the residual impedance: best shape on the grid, magnitude by linear LS. */
function setTail(t: TailShapes, res: Residual, p: Float64Array): void {
  let best = { scale: 0, misfit: Infinity, index: 0 };
  for (let j = 0; j < t.shapes.length; j++) {
    const fit = scaleFit(res, t.re[j], t.im[j]);
    if (fit.misfit < best.misfit) best = { ...fit, index: j };
  }
  if (!(best.scale > 0)) return;
  const k = t.element.parameterIndex;
  // C and CPE are 1/(C jω), 1/(Q (jω)^α): the fitted scale is the reciprocal of the parameter.
  p[k] = t.element.type === 'C' || t.element.type === 'CPE' ? 1 / best.scale : best.scale;
  const shape = t.shapes[best.index];
  if (shape !== undefined) p[k + 1] = shape;
}

function weightedCost(
  evaluator: CircuitEvaluator,
  p: Float64Array,
  data: CheckedSpectrum,
  weights: Float64Array,
): number {
  evaluator.evaluate(p);
  let cost = 0;
  for (let i = 0; i < weights.length; i++) {
    const a = evaluator.zRealOhm[i] - data.zRealOhm[i];
    const b = evaluator.zImagOhm[i] - data.zImagOhm[i];
    cost += weights[i] * weights[i] * (a * a + b * b);
  }
  return Number.isFinite(cost) ? cost : Infinity;
}

/** Choose `size` items of `items` keeping their order (combinations in lexicographic order). */
function orderedSubsets<T>(items: T[], size: number, limit: number): T[][] {
  const out: T[][] = [];
  const pick: T[] = [];
  const walk = (start: number): void => {
    if (out.length >= limit) return;
    if (pick.length === size) {
      out.push(pick.slice());
      return;
    }
    for (let i = start; i <= items.length - (size - pick.length); i++) {
      pick.push(items[i]);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

function signature(node: CircuitNode): string {
  if (node.kind === 'element') return node.type;
  return `${node.kind}(${node.children.map(signature).join(',')})`;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

export interface GuessCandidate {
  parameters: Float64Array;
  /** Σ|Z − Ẑ|²/|Z|² at the guess, for ranking. */
  cost: number;
}

/** Candidate starting points, best first. */
export function initialGuesses(
  parsed: ParsedCircuit,
  data: CheckedSpectrum,
  maxCandidates = 4,
): GuessCandidate[] {
  const f = data.frequenciesHz;
  const n = f.length;
  const weights = new Float64Array(n);
  let omegaMin = Infinity;
  let omegaMax = 0;
  let zMaxOhm = 0;
  for (let i = 0; i < n; i++) {
    const mod = Math.hypot(data.zRealOhm[i], data.zImagOhm[i]);
    weights[i] = 1 / Math.max(mod, 1e-300);
    omegaMin = Math.min(omegaMin, 2 * Math.PI * f[i]);
    omegaMax = Math.max(omegaMax, 2 * Math.PI * f[i]);
    zMaxOhm = Math.max(zMaxOhm, mod);
  }
  const hasInductor = parsed.elements.some((e) => e.type === 'L');
  const drt = computeDrt(data, {
    lambda: 1e-3,
    pointsPerDecade: 4,
    extendDecades: 0.5,
    includeInductance: hasInductor,
    includeCapacitance: true,
  });
  const scales: Scales = {
    omegaMin,
    omegaMax,
    omegaMid: Math.sqrt(omegaMin * omegaMax),
    zMaxOhm,
    rInfOhm: drt.seriesResistanceOhm,
    rPolOhm: Math.max(drt.polarisationResistanceOhm, 1e-6 * zMaxOhm),
  };

  const topNodes = parsed.root.kind === 'series' ? parsed.root.children : [parsed.root];
  const items: TopLevelItem[] = topNodes.map((node) => ({
    node,
    role: classify(node),
    evaluator: subEvaluator(parsed, node, f),
  }));
  const arcs = items.filter((it) => it.role === 'arc');
  const full = compileCircuit(parsed, f);

  // Peaks sorted fastest first; keep the largest few so the subset enumeration stays small.
  const allPeaks = findDrtPeaks(drt, 0.02);
  const peaks = allPeaks
    .slice()
    .sort((a, b) => b.resistanceOhm - a.resistanceOhm)
    .slice(0, Math.max(arcs.length + 2, 5))
    .sort((a, b) => a.tauS - b.tauS);
  let assignments: DrtPeak[][];
  if (arcs.length === 0) assignments = [[]];
  else if (peaks.length >= arcs.length) {
    assignments = orderedSubsets(peaks, arcs.length, 24);
    // Arcs of different structure (e.g. p(R,C) and p(R-Wo,C)) need not be written fastest first: try the other
    // orders too, the misfit ranking below sorts them out.
    const signatures = new Set(arcs.map((it) => signature(it.node)));
    if (signatures.size > 1 && arcs.length <= 3) {
      assignments = assignments.flatMap((a) => permutations(a));
    }
  } else {
    // Too few peaks: spread the missing arcs log-uniformly between the ones found.
    const padded = peaks.slice();
    const logMin = Math.log10(1 / omegaMax);
    const logMax = Math.log10(1 / omegaMin);
    for (let a = padded.length; a < arcs.length; a++) {
      const tauS = Math.pow(10, logMin + ((logMax - logMin) * (a + 0.5)) / arcs.length);
      padded.push({ tauS, resistanceOhm: scales.rPolOhm / arcs.length, atEdge: false, gammaMaxOhm: 0 });
    }
    padded.sort((a, b) => a.tauS - b.tauS);
    assignments = [padded];
  }

  const tails = items
    .filter((it) => it.role === 'tail')
    .map((it) => ({ ...it, shapes: tailShapes(parsed, it.node as ElementNode, f, scales) }));
  const candidates: GuessCandidate[] = [];
  const zRest = { re: new Float64Array(n), im: new Float64Array(n), w: new Float64Array(n) };
  for (const assignment of assignments) {
    const p = new Float64Array(parsed.parameterNames.length);
    setDefaults(parsed, scales, p);
    const seriesRs = items.filter((it) => it.role === 'series-r');
    seriesRs.forEach((it, index) => {
      const e = it.node as ElementNode;
      p[e.parameterIndex] = index === 0 ? Math.max(scales.rInfOhm, 1e-6 * zMaxOhm) : 1e-3 * scales.rPolOhm;
    });
    arcs.forEach((it, index) => setArc(it.node, assignment[index], p));
    if (hasInductor && drt.inductanceH > 0) {
      for (const it of items)
        if (it.role === 'inductor') p[(it.node as ElementNode).parameterIndex] = drt.inductanceH;
    }
    // Tails take the residual left by everything else, judged only below the slowest arc's apex frequency: that is
    // where a diffusion or blocking tail shows, while higher up the arcs' still-rough shapes would dominate.
    const slowestTauS = assignment.reduce((m, peak) => Math.max(m, peak.tauS), 0);
    let lowPoints = 0;
    for (let i = 0; i < n; i++) if (2 * Math.PI * f[i] * slowestTauS < 1) lowPoints++;
    for (let i = 0; i < n; i++) {
      const low = lowPoints < 3 || 2 * Math.PI * f[i] * slowestTauS < 1;
      zRest.w[i] = low ? weights[i] : 0;
    }
    for (const tail of tails) {
      zRest.re.set(data.zRealOhm);
      zRest.im.set(data.zImagOhm);
      for (const other of items) {
        if (other.node === tail.node) continue;
        other.evaluator.evaluate(p);
        for (let i = 0; i < n; i++) {
          zRest.re[i] -= other.evaluator.zRealOhm[i];
          zRest.im[i] -= other.evaluator.zImagOhm[i];
        }
      }
      setTail(tail.shapes, zRest, p);
    }
    scanNestedDiffusion(items, p, full, data, weights, scales);
    candidates.push({ parameters: p, cost: weightedCost(full, p, data, weights) });
  }
  candidates.sort((a, b) => a.cost - b.cost);
  return candidates.slice(0, maxCandidates);
}

/** Diffusion elements inside arcs (Randles-type p(R-Wo,C)) get a coarse grid scan on the total misfit. */
function scanNestedDiffusion(
  items: TopLevelItem[],
  p: Float64Array,
  full: CircuitEvaluator,
  data: CheckedSpectrum,
  weights: Float64Array,
  s: Scales,
): void {
  for (const it of items) {
    if (it.role !== 'arc') continue;
    for (const e of collectElements(it.node)) {
      if (e.type !== 'Wo' && e.type !== 'Ws' && e.type !== 'W') continue;
      const k = e.parameterIndex;
      let best = { cost: weightedCost(full, p, data, weights), a: p[k], b: p[k + 1] };
      const r = firstOfType(it.node, ['R']);
      const rRef = r ? p[r.parameterIndex] : s.rPolOhm;
      for (const mag of [0.1, 0.3, 1, 3, 10]) {
        const taus = e.type === 'W' ? [0] : [-2, -1, 0, 1].map((d) => Math.pow(10, d) / s.omegaMin);
        for (const tau of taus) {
          p[k] = e.type === 'W' ? mag * rRef * Math.sqrt(s.omegaMin) : mag * rRef;
          if (e.type !== 'W') p[k + 1] = tau;
          const cost = weightedCost(full, p, data, weights);
          if (cost < best.cost) best = { cost, a: p[k], b: p[k + 1] };
        }
      }
      p[k] = best.a;
      if (e.type !== 'W') p[k + 1] = best.b;
    }
  }
}
