import { describe, expect, it } from 'vitest';
import { EisInputError } from '../eis-input-error';
import { parseCircuit } from './parse-circuit';

function inputError(fn: () => unknown): EisInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EisInputError) return e;
    throw e;
  }
  throw new Error('expected an EisInputError');
}

describe('parseCircuit', () => {
  it('names parameters exactly as impedance.py does', () => {
    const parsed = parseCircuit('R0-p(R1,CPE1)-p(R2,CPE2)-Wo1');
    expect(parsed.parameterNames).toEqual([
      'R0',
      'R1',
      'CPE1_0',
      'CPE1_1',
      'R2',
      'CPE2_0',
      'CPE2_1',
      'Wo1_0',
      'Wo1_1',
    ]);
    expect(parsed.elements.map((e) => e.type)).toEqual(['R', 'R', 'CPE', 'R', 'CPE', 'Wo']);
  });

  it('derives the element type by stripping digits and underscores (R_0, Wo_1)', () => {
    const parsed = parseCircuit('R_0-p(R_1,C_1)-Wo_1');
    expect(parsed.parameterNames).toEqual(['R_0', 'R_1', 'C_1', 'Wo_1_0', 'Wo_1_1']);
  });

  it('builds nested series/parallel trees and ignores whitespace', () => {
    const parsed = parseCircuit(' L0 - R0 - p( R1 - Ws1 , C1 , p(R2,C2) ) ');
    expect(parsed.circuit).toBe('L0-R0-p(R1-Ws1,C1,p(R2,C2))');
    const root = parsed.root;
    expect(root.kind).toBe('series');
    if (root.kind !== 'series') return;
    const group = root.children[2];
    expect(group.kind).toBe('parallel');
    if (group.kind !== 'parallel') return;
    expect(group.children.map((c) => c.kind)).toEqual(['series', 'element', 'parallel']);
    expect(parsed.parameterNames).toEqual(['L0', 'R0', 'R1', 'Ws1_0', 'Ws1_1', 'C1', 'R2', 'C2']);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['R0-X1', 'unknown element'],
    ['R0-Q1', 'unknown element'],
    ['R0-p(R1,C1', 'unbalanced'],
    ['R0-p(R1,C1))', 'unbalanced'],
    ['R0-R1)', 'unbalanced'],
    ['R0-p(R1)', 'at least two branches'],
    ['R0-R0', 'duplicate element name'],
    ['R0-p(R1,R1)', 'duplicate element name'],
    ['R0--R1', 'expected an element'],
    ['R0-', 'expected an element'],
    ['p(R1,', 'unexpected end'],
  ])('rejects %j with a circuit-field EisInputError (%s)', (circuit, reason) => {
    const error = inputError(() => parseCircuit(circuit));
    expect(error.field).toBe('circuit');
    expect(error.reason).toContain(reason);
  });
});
