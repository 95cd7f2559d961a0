import { add, div, inv, mul, pow, tanh, type Complex } from './complex';

type Node =
  | { kind: 'element'; name: string; type: ElementType }
  | { kind: 'series'; children: Node[] }
  | { kind: 'parallel'; children: Node[] };

type ElementType = 'R' | 'C' | 'L' | 'CPE' | 'W' | 'Wo' | 'Ws';
const PARAMETER_COUNT: Record<ElementType, number> = { R: 1, C: 1, L: 1, CPE: 2, W: 1, Wo: 2, Ws: 2 };

export interface CompiledCircuit {
  /** Parameter names in impedance.py's order: `R0`, `CPE1_0`, `CPE1_1`, … */
  parameterNames: string[];
  /** Z(ω) in Ω for angular frequency ω in rad/s, given the parameters by name. */
  impedance(omegaRadPerS: number, parameters: ReadonlyMap<string, number>): Complex;
}

/**
 * Parses a circuit string in impedance.py's syntax (`R0-p(R1,CPE1)-Wo1`: `-` series, `p(a,b)` parallel),
 * the syntax the API's fits report, so the dashboard can overlay the fitted curve without a round trip.
 */
export function compileCircuit(circuit: string): CompiledCircuit {
  const text = circuit.replace(/\s+/g, '');
  let pos = 0;
  const names: string[] = [];
  const parameterNames: string[] = [];

  const fail = (reason: string): never => {
    throw new Error(`circuit "${circuit}": ${reason} at ${pos}`);
  };
  const series = (): Node => {
    const children = [term()];
    while (text[pos] === '-') {
      pos++;
      children.push(term());
    }
    return children.length === 1 ? children[0] : { kind: 'series', children };
  };
  const term = (): Node => {
    if (text.startsWith('p(', pos)) {
      pos += 2;
      const children = [series()];
      while (text[pos] === ',') {
        pos++;
        children.push(series());
      }
      if (text[pos] !== ')') fail('expected ")"');
      pos++;
      if (children.length < 2) fail('a parallel group needs at least two branches');
      return { kind: 'parallel', children };
    }
    const match = /^[A-Za-z]+[A-Za-z0-9_]*/.exec(text.slice(pos));
    if (!match) return fail('expected an element');
    pos += match[0].length;
    const name = match[0];
    // impedance.py's get_element_from_name: the type is the name without digits and underscores.
    const type = name.replace(/[\d_]/g, '');
    if (!(type in PARAMETER_COUNT)) fail(`unknown element ${name}`);
    if (names.includes(name)) fail(`duplicate element ${name}`);
    names.push(name);
    const count = PARAMETER_COUNT[type as ElementType];
    if (count === 1) parameterNames.push(name);
    else for (let i = 0; i < count; i++) parameterNames.push(`${name}_${i}`);
    return { kind: 'element', name, type: type as ElementType };
  };

  const root = series();
  if (pos !== text.length) fail('unexpected text');

  const evaluate = (node: Node, omega: number, p: ReadonlyMap<string, number>): Complex => {
    switch (node.kind) {
      case 'series':
        return node.children.reduce<Complex>((z, c) => add(z, evaluate(c, omega, p)), [0, 0]);
      case 'parallel':
        return inv(node.children.reduce<Complex>((y, c) => add(y, inv(evaluate(c, omega, p))), [0, 0]));
      case 'element':
        return element(node, omega, p);
    }
  };
  return { parameterNames, impedance: (omega, parameters) => evaluate(root, omega, parameters) };
}

function param(p: ReadonlyMap<string, number>, name: string): number {
  const v = p.get(name);
  if (v === undefined) throw new Error(`missing parameter ${name}`);
  return v;
}

/** Element impedances as impedance.py v1.7 defines them (impedance/models/circuits/elements.py). */
function element(
  node: { name: string; type: ElementType },
  omega: number,
  p: ReadonlyMap<string, number>,
): Complex {
  const jw: Complex = [0, omega];
  switch (node.type) {
    case 'R':
      return [param(p, node.name), 0];
    case 'C':
      return inv(mul([param(p, node.name), 0], jw));
    case 'L':
      return mul([param(p, node.name), 0], jw);
    case 'CPE':
      return inv(mul([param(p, `${node.name}_0`), 0], pow(jw, param(p, `${node.name}_1`))));
    case 'W': {
      const aw = param(p, node.name) / Math.sqrt(omega);
      return [aw, -aw];
    }
    case 'Wo':
    case 'Ws': {
      const z0 = param(p, `${node.name}_0`);
      const x = pow(mul([param(p, `${node.name}_1`), 0], jw), 0.5);
      const t = tanh(x);
      // Wo (open, reflective): Z0·coth(x)/x; Ws (short, transmissive): Z0·tanh(x)/x.
      return node.type === 'Wo' ? div([z0, 0], mul(x, t)) : div(mul([z0, 0], t), x);
    }
  }
}

/** log-spaced frequencies from fMinHz to fMaxHz inclusive. */
export function logFrequencies(fMinHz: number, fMaxHz: number, count: number): number[] {
  const a = Math.log10(fMinHz);
  const b = Math.log10(fMaxHz);
  return Array.from({ length: count }, (_, i) => 10 ** (a + ((b - a) * i) / Math.max(1, count - 1)));
}
