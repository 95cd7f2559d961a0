import { EisInputError } from '../eis-input-error';
import { ELEMENT_DEFINITIONS, isElementType, type ElementType } from './element-types';

export interface ElementNode {
  kind: 'element';
  type: ElementType;
  name: string;
  /** Index of this element's first parameter in the flat parameter vector. */
  parameterIndex: number;
}

export interface SeriesNode {
  kind: 'series';
  children: CircuitNode[];
}

export interface ParallelNode {
  kind: 'parallel';
  children: CircuitNode[];
}

export type CircuitNode = ElementNode | SeriesNode | ParallelNode;

export interface ParsedCircuit {
  /** The circuit string with whitespace removed. */
  circuit: string;
  root: CircuitNode;
  /** Elements in order of appearance, which is also parameter order. */
  elements: ElementNode[];
  /** impedance.py names: `R0`, `C1` for one-parameter elements, `CPE1_0`, `CPE1_1` otherwise. */
  parameterNames: string[];
}

const FIELD = 'circuit';

/**
 * Recursive-descent parser for impedance.py circuit strings: `-` joins in series, `p(a,b,…)` in parallel, nesting
 * allowed. Parameter order follows element order in the string, as impedance.py's `CustomCircuit` does.
 */
export function parseCircuit(circuit: string): ParsedCircuit {
  if (typeof circuit !== 'string') throw new EisInputError(FIELD, 'must be a string');
  const text = circuit.replace(/\s+/g, '');
  if (text.length === 0) throw new EisInputError(FIELD, 'is empty');

  const elements: ElementNode[] = [];
  const parameterNames: string[] = [];
  const seen = new Set<string>();
  let pos = 0;

  const fail = (reason: string): never => {
    throw new EisInputError(FIELD, `${reason} at position ${pos} in "${text}"`);
  };

  const parseElement = (): ElementNode => {
    const match = /^[A-Za-z][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (!match) return fail(`expected an element`);
    const name = match[0];
    const symbol = name.replace(/[0-9_]/g, '');
    if (!isElementType(symbol)) return fail(`unknown element "${name}" (type "${symbol}")`);
    if (seen.has(name)) return fail(`duplicate element name "${name}"`);
    seen.add(name);
    pos += name.length;
    const definition = ELEMENT_DEFINITIONS[symbol];
    const node: ElementNode = { kind: 'element', type: symbol, name, parameterIndex: parameterNames.length };
    if (definition.parameterCount === 1) parameterNames.push(name);
    else for (let k = 0; k < definition.parameterCount; k++) parameterNames.push(`${name}_${k}`);
    elements.push(node);
    return node;
  };

  const parseTerm = (): CircuitNode => {
    if (text.startsWith('p(', pos)) {
      pos += 2;
      const children: CircuitNode[] = [parseSeries()];
      while (text[pos] === ',') {
        pos++;
        children.push(parseSeries());
      }
      if (text[pos] !== ')')
        return fail(pos >= text.length ? 'unbalanced parentheses' : `expected "," or ")"`);
      pos++;
      if (children.length < 2) return fail('a parallel group needs at least two branches');
      return { kind: 'parallel', children };
    }
    if (text[pos] === '(' || text[pos] === ')') return fail('unbalanced parentheses');
    return parseElement();
  };

  const parseSeries = (): CircuitNode => {
    if (pos >= text.length) return fail('unexpected end (empty branch or unbalanced parentheses)');
    const children: CircuitNode[] = [parseTerm()];
    while (text[pos] === '-') {
      pos++;
      children.push(parseTerm());
    }
    return children.length === 1 ? children[0] : { kind: 'series', children };
  };

  const root = parseSeries();
  if (pos < text.length) fail(text[pos] === ')' ? 'unbalanced parentheses' : `unexpected "${text[pos]}"`);
  return { circuit: text, root, elements, parameterNames };
}
