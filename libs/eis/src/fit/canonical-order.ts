import { ELEMENT_DEFINITIONS } from '../circuit/element-types';
import type { CircuitNode, ElementNode, ParsedCircuit } from '../circuit/parse-circuit';

/**
 * Arcs in series commute: R0-p(R1,C1)-p(R2,C2) has the same impedance with the two arcs swapped, so a fit may land
 * on either labelling. We pin the labelling to the convention the circuit strings follow (and initial-guess.ts
 * assumes): among structurally identical simple arcs p(R,C) / p(R,CPE) in the top-level series chain, the earlier
 * one in the string is the faster one (smaller τ = RC or (RQ)^{1/α}). Arcs whose bounds differ are left alone.
 */
export function canonicalArcOrder(
  parsed: ParsedCircuit,
  p: Float64Array,
  bounds: readonly (readonly [number, number])[],
): void {
  const top = parsed.root.kind === 'series' ? parsed.root.children : [];
  const groups = new Map<string, ElementNode[][]>();
  for (const node of top) {
    const arc = simpleArc(node);
    if (!arc) continue;
    const key = arc.map((e) => e.type).join(',');
    const list = groups.get(key) ?? [];
    list.push(arc);
    groups.set(key, list);
  }
  for (const arcs of groups.values()) {
    if (arcs.length < 2) continue;
    const blocks = arcs.map((arc) => indices(arc));
    const boundKey = (block: number[]): string => block.map((k) => bounds[k].join(':')).join('|');
    if (new Set(blocks.map(boundKey)).size !== 1) continue;
    const values = blocks.map((block) => block.map((k) => p[k]));
    const taus = arcs.map((arc) => arcTau(arc, p));
    const order = taus.map((_, i) => i).sort((a, b) => taus[a] - taus[b]);
    blocks.forEach((block, slot) => block.forEach((k, j) => (p[k] = values[order[slot]][j])));
  }
}

/** [R, C|CPE] for a two-branch parallel of one resistor and one capacitor-like element, in string order. */
function simpleArc(node: CircuitNode): ElementNode[] | undefined {
  if (node.kind !== 'parallel' || node.children.length !== 2) return undefined;
  const [a, b] = node.children;
  if (a.kind !== 'element' || b.kind !== 'element') return undefined;
  const types = [a.type, b.type].sort().join(',');
  if (types !== 'C,R' && types !== 'CPE,R') return undefined;
  return [a, b];
}

function indices(arc: ElementNode[]): number[] {
  const out: number[] = [];
  for (const e of arc) {
    for (let j = 0; j < ELEMENT_DEFINITIONS[e.type].parameterCount; j++) out.push(e.parameterIndex + j);
  }
  return out;
}

function arcTau(arc: ElementNode[], p: Float64Array): number {
  const r = arc.find((e) => e.type === 'R');
  const c = arc.find((e) => e.type !== 'R');
  if (!r || !c) return 0;
  const rOhm = p[r.parameterIndex];
  if (c.type === 'C') return rOhm * p[c.parameterIndex];
  return Math.pow(rOhm * p[c.parameterIndex], 1 / p[c.parameterIndex + 1]);
}
