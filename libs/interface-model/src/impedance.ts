/**
 * Predicted interfacial impedance (physics.md §1.9):
 * Z(ω) = R_el + R_SCL/(1 + jωR_SCL C_SCL) + R_ct/(1 + jωR_ct C_dl) + Z_W(ω), interfacial terms on the real
 * contact area (R → R/f_c, C → C·f_c, so each RC time constant is unchanged).
 */

export interface InterfaceCircuit {
  readonly rElOhmCm2: number;
  /** Signed excess SCL resistance; an accumulation layer (< 0) has no arc of its own and adds in series. */
  readonly rSclOhmCm2: number;
  readonly cSclUFPerCm2: number;
  readonly rCtOhmCm2: number;
  readonly cDlUFPerCm2: number;
  readonly rDifOhmCm2: number;
  readonly tauDifS: number;
  readonly contactFraction: number;
}

export interface ImpedanceSpectrum {
  readonly frequencyHz: number[];
  readonly realOhmCm2: number[];
  /** Capacitive response has imag < 0. */
  readonly imagOhmCm2: number[];
}

function addRc(r: number, cF: number, omega: number, out: [number, number]): void {
  if (r <= 0) return;
  const wt = omega * r * cF;
  const den = 1 + wt * wt;
  out[0] += r / den;
  out[1] -= (r * wt) / den;
}

/**
 * Finite-length (transmissive) Warburg: Z = R_dif·tanh(√(jωτ))/√(jωτ).
 * With √(jωτ) = s(1 + j), s = √(ωτ/2): tanh(a + jb) = (sinh 2a + j sin 2b)/(cosh 2a + cos 2b).
 */
function addWarburg(rDif: number, tauS: number, omega: number, out: [number, number]): void {
  if (rDif <= 0) return;
  const s = Math.sqrt((omega * tauS) / 2);
  let thRe: number;
  let thIm: number;
  if (s > 20) {
    thRe = 1;
    thIm = 0;
  } else {
    const den = Math.cosh(2 * s) + Math.cos(2 * s);
    thRe = Math.sinh(2 * s) / den;
    thIm = Math.sin(2 * s) / den;
  }
  if (s < 1e-8) {
    out[0] += rDif;
    return;
  }
  // divide by s(1 + j): (x + jy)/(s(1 + j)) = ((x + y) + j(y − x))/(2s)
  out[0] += (rDif * (thRe + thIm)) / (2 * s);
  out[1] += (rDif * (thIm - thRe)) / (2 * s);
}

export function interfaceImpedance(
  circuit: InterfaceCircuit,
  frequencyHz: readonly number[],
): ImpedanceSpectrum {
  const fc = circuit.contactFraction;
  const realOhmCm2: number[] = [];
  const imagOhmCm2: number[] = [];
  const sclSeries = Math.min(circuit.rSclOhmCm2, 0) / fc;
  for (const f of frequencyHz) {
    const omega = 2 * Math.PI * f;
    const z: [number, number] = [circuit.rElOhmCm2 + sclSeries, 0];
    addRc(circuit.rSclOhmCm2 / fc, circuit.cSclUFPerCm2 * 1e-6 * fc, omega, z);
    addRc(circuit.rCtOhmCm2 / fc, circuit.cDlUFPerCm2 * 1e-6 * fc, omega, z);
    // Isolated particles also lose their diffusion path, so the Warburg scales with f_c too [P].
    addWarburg(circuit.rDifOhmCm2 / fc, circuit.tauDifS, omega, z);
    realOhmCm2.push(z[0]);
    imagOhmCm2.push(z[1]);
  }
  return { frequencyHz: [...frequencyHz], realOhmCm2, imagOhmCm2 };
}
