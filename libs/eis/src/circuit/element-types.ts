/**
 * Circuit elements in impedance.py's syntax (impedance/models/circuits/elements.py, v1.7.1). The element type is the
 * element name with digits and underscores removed, exactly as impedance.py's `get_element_from_name` does.
 */
export type ElementType = 'R' | 'C' | 'L' | 'CPE' | 'W' | 'Wo' | 'Ws';

export interface ElementDefinition {
  type: ElementType;
  parameterCount: number;
  /** Physical meaning of each parameter, used in docs and error messages. */
  parameterUnits: readonly string[];
  /** Default box bounds, one [lower, upper] per parameter (impedance.py fits in [0, inf); α is an exponent in [0, 1]). */
  defaultBounds: readonly (readonly [number, number])[];
}

const positive = [0, Infinity] as const;

export const ELEMENT_DEFINITIONS: Readonly<Record<ElementType, ElementDefinition>> = {
  R: { type: 'R', parameterCount: 1, parameterUnits: ['Ohm'], defaultBounds: [positive] },
  C: { type: 'C', parameterCount: 1, parameterUnits: ['F'], defaultBounds: [positive] },
  L: { type: 'L', parameterCount: 1, parameterUnits: ['H'], defaultBounds: [positive] },
  CPE: {
    type: 'CPE',
    parameterCount: 2,
    parameterUnits: ['Ohm^-1 s^a', '1'],
    defaultBounds: [positive, [0, 1]],
  },
  W: { type: 'W', parameterCount: 1, parameterUnits: ['Ohm s^-1/2'], defaultBounds: [positive] },
  Wo: { type: 'Wo', parameterCount: 2, parameterUnits: ['Ohm', 's'], defaultBounds: [positive, positive] },
  Ws: { type: 'Ws', parameterCount: 2, parameterUnits: ['Ohm', 's'], defaultBounds: [positive, positive] },
};

export function isElementType(symbol: string): symbol is ElementType {
  return Object.prototype.hasOwnProperty.call(ELEMENT_DEFINITIONS, symbol);
}
