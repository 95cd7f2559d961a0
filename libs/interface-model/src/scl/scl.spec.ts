import { describe, expect, it } from 'vitest';
import { debyeLengthNm } from './debye-length';
import { mottSchottkyResistanceIntegral } from './mott-schottky';
import { maxwellStressMPa, solveScl } from './solve-scl';
import type { SclInput, SclResult } from './scl.types';
import { InterfaceModelInputError } from '../errors';

// CODATA 2018, written out here so the checks do not share constants with the code under test.
const E = 1.602176634e-19;
const KB = 1.380649e-23;
const EPS0 = 8.8541878128e-12;
const T = 298.15;
const VT = (KB * T) / E;

type Ratio = (psi: number) => number;
const gcRatio: Ratio = (psi) => Math.exp(-psi);
const lgRatio =
  (theta0: number): Ratio =>
  (psi) =>
    Math.exp(-psi) / (1 - theta0 + theta0 * Math.exp(-psi));

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/**
 * Independent route 1: RK4 on Poisson's equation in ξ = x/λ_D, ψ'' = 1 − c/n0 (physics.md §1.4), started at x = 0
 * with the closed-form field. Returns the trajectory and whether ψ overshot zero or turned back.
 */
function shoot(psi0: number, slope0: number, ratio: Ratio, stopBelow = 0, xiMax = 200, h = 1e-3) {
  let psi = psi0;
  let p = slope0;
  const f = (y: number) => 1 - ratio(y);
  const xs: number[] = [0];
  const psis: number[] = [psi0];
  let overshoot = false;
  let turnedBack = false;
  for (let xi = 0; xi < xiMax; xi += h) {
    const k1y = p;
    const k1p = f(psi);
    const k2y = p + 0.5 * h * k1p;
    const k2p = f(psi + 0.5 * h * k1y);
    const k3y = p + 0.5 * h * k2p;
    const k3p = f(psi + 0.5 * h * k2y);
    const k4y = p + h * k3p;
    const k4p = f(psi + h * k3y);
    psi += (h / 6) * (k1y + 2 * k2y + 2 * k3y + k4y);
    p += (h / 6) * (k1p + 2 * k2p + 2 * k3p + k4p);
    xs.push(xi + h);
    psis.push(psi);
    if (Math.sign(psi) !== Math.sign(psi0)) overshoot = true;
    if (Math.sign(p) === Math.sign(psi0)) turnedBack = true;
    if (overshoot || turnedBack || Math.abs(psi) < stopBelow) break;
  }
  return { xs, psis, overshoot, turnedBack, psiEnd: psi };
}

/** Independent route 2: σ from the first integral with Simpson quadrature of ρ(ψ): (λ_D E0/V_T)² = 2∫(1 − c/n0)dψ. */
function sigmaByQuadrature(psi0: number, ratio: Ratio, epsR: number, n0Cm3: number): number {
  const n = 4000;
  const h = psi0 / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * (1 - ratio(i * h));
  }
  const integral = (sum * h) / 3;
  const lambdaM = debyeLengthNm(epsR, n0Cm3, T) * 1e-9;
  const e0 = (VT * Math.sqrt(2 * integral)) / lambdaM;
  return EPS0 * epsR * e0 * 100; // µC/cm²
}

const base = { epsR: 30, carrierDensityCm3: 1e21, temperatureK: T, bulkConductivitySPerCm: 1e-3 } as const;

function run(overrides: Partial<SclInput>): SclResult {
  return solveScl({ model: 'gouy-chapman', potentialDropV: 0.1, ...base, ...overrides } as SclInput);
}

describe('Debye length (physics.md §1.3, §3B)', () => {
  it('D1: εr 30, n0 1e21 cm⁻³ → 0.2064 nm; D2: εr 10, n0 1e19 → 1.192 nm (±0.5 %)', () => {
    expect(relErr(debyeLengthNm(30, 1e21, T), 0.2064)).toBeLessThan(0.005);
    expect(relErr(debyeLengthNm(10, 1e19, T), 1.192)).toBeLessThan(0.005);
    expect(relErr(run({}).debyeLengthNm, 0.2064)).toBeLessThan(0.005);
  });

  it('scales as sqrt(εr·T/n0); 353 K / 298.15 K gives 1.088', () => {
    const l0 = debyeLengthNm(10, 1e20, T);
    expect(debyeLengthNm(40, 1e20, T) / l0).toBeCloseTo(2, 12);
    expect(debyeLengthNm(10, 1e22, T) / l0).toBeCloseTo(0.1, 12);
    expect(debyeLengthNm(10, 1e20, 353) / l0).toBeCloseTo(1.088, 3);
  });

  it('review statements: sulfide (εr 20–40, 1e21) < 1 nm; oxide (εr 8–12, 1e19) ~1–several nm', () => {
    for (const epsR of [20, 30, 40]) {
      const l = debyeLengthNm(epsR, 1e21, T);
      expect(l).toBeLessThan(1);
      expect(l).toBeGreaterThan(0.165); // physics.md §2 note 2: 0.17–0.24 nm (rounded)
    }
    expect(relErr(debyeLengthNm(8, 1e19, T), 1.07)).toBeLessThan(0.005);
    expect(relErr(debyeLengthNm(12, 1e19, T), 1.31)).toBeLessThan(0.005);
  });
});

describe('closed forms vs independent numerical routes (physics.md §1.4)', () => {
  const cases: {
    label: string;
    model: 'gouy-chapman' | 'lattice-gas';
    site?: number;
    ratio: Ratio;
    dphi: number;
  }[] = [
    { label: 'GC depletion 0.1 V', model: 'gouy-chapman', ratio: gcRatio, dphi: 0.1 },
    { label: 'GC depletion 0.3 V', model: 'gouy-chapman', ratio: gcRatio, dphi: 0.3 },
    { label: 'GC accumulation −0.05 V', model: 'gouy-chapman', ratio: gcRatio, dphi: -0.05 },
    { label: 'LG θ0 0.5 depletion 0.2 V', model: 'lattice-gas', site: 2e21, ratio: lgRatio(0.5), dphi: 0.2 },
    {
      label: 'LG θ0 0.5 accumulation −0.2 V',
      model: 'lattice-gas',
      site: 2e21,
      ratio: lgRatio(0.5),
      dphi: -0.2,
    },
    {
      label: 'LG θ0 0.9 accumulation −0.3 V',
      model: 'lattice-gas',
      site: 1e21 / 0.9,
      ratio: lgRatio(0.9),
      dphi: -0.3,
    },
  ];

  for (const c of cases) {
    it(`${c.label}: σ matches Simpson quadrature of ρ(φ) and RK4 shooting lands on φ → 0`, () => {
      const r = run({ model: c.model, siteDensityCm3: c.site, potentialDropV: c.dphi });
      const psi0 = c.dphi / VT;
      expect(relErr(r.arealChargeUCPerCm2, sigmaByQuadrature(psi0, c.ratio, 30, 1e21))).toBeLessThan(1e-6);

      // Shooting with the closed-form E0 decays monotonically to |ψ| < 1e-4|ψ0| without crossing or turning back …
      const slope = (-Math.sign(psi0) * r.peakFieldVPerM * r.debyeLengthNm * 1e-9) / VT;
      const exact = shoot(psi0, slope, c.ratio, 1e-4 * Math.abs(psi0));
      expect(exact.overshoot || exact.turnedBack).toBe(false);
      expect(Math.abs(exact.psiEnd)).toBeLessThan(1e-4 * Math.abs(psi0));
      // … while E0 wrong by ±0.1 % over- or undershoots: the closed form sits on the separatrix.
      expect(shoot(psi0, slope * 1.001, c.ratio).overshoot).toBe(true);
      expect(shoot(psi0, slope * 0.999, c.ratio).turnedBack).toBe(true);

      // Profile by quadrature (§1.5) vs the RK4 trajectory at the same x (±1 % of Δφ, quadrature tolerance of §3).
      const lambdaNm = r.debyeLengthNm;
      for (const point of r.profile.filter((p) => p.xNm / lambdaNm < 4)) {
        const i = Math.round(point.xNm / lambdaNm / 1e-3);
        expect(Math.abs(exact.psis[i] * VT - point.potentialV)).toBeLessThan(0.01 * Math.abs(c.dphi));
      }

      // R_SCL: ψ-quadrature vs trapezoid of (n0/c − 1) over the RK4 x-trajectory (+ linear tail).
      let integral = 0;
      for (let i = 1; i < exact.psis.length; i++) {
        const a = 1 / c.ratio(exact.psis[i - 1]) - 1;
        const b = 1 / c.ratio(exact.psis[i]) - 1;
        integral += 0.5 * (a + b) * 1e-3;
      }
      const resistanceOhmCm2 = (integral * lambdaNm * 1e-7) / base.bulkConductivitySPerCm;
      expect(relErr(r.sclResistanceOhmCm2 as number, resistanceOhmCm2)).toBeLessThan(0.01);

      // C_d = |ρ(0)|/E0 (§1.4b) recomputed from the hand-coded concentration ratio.
      const rho0 = E * 1e27 * Math.abs(c.ratio(psi0) - 1);
      expect(relErr(r.capacitanceUFPerCm2, (rho0 / r.peakFieldVPerM) * 100)).toBeLessThan(1e-9);
      expect(r.surfaceConcentrationRatio).toBeCloseTo(c.ratio(psi0), 12);
      // d_C = ε|Δφ|/σ (§1.5 definition 2).
      expect(
        relErr(r.thicknessNm, ((EPS0 * 30 * Math.abs(c.dphi)) / (r.arealChargeUCPerCm2 / 100)) * 1e9),
      ).toBeLessThan(1e-9);
    });
  }

  it('Mott–Schottky: the profile satisfies Poisson with ρ = −eN, and Gauss gives σ = εE0 = eNw', () => {
    const dphi = 0.3;
    const r = run({ model: 'mott-schottky', potentialDropV: dphi });
    expect(r.modelUsed).toBe('mott-schottky');
    const eps = EPS0 * 30;
    const wNm = Math.sqrt((2 * eps * dphi) / (E * 1e27)) * 1e9;
    expect(relErr(r.depletionWidthNm as number, wNm)).toBeLessThan(1e-12);
    const pts = r.profile.filter((p) => p.xNm < wNm * 0.95);
    const dx = (pts[1].xNm - pts[0].xNm) * 1e-9;
    const d2 = (pts[2].potentialV - 2 * pts[1].potentialV + pts[0].potentialV) / (dx * dx);
    expect(relErr(d2, (E * 1e27) / eps)).toBeLessThan(1e-6);
    // E0 from a one-sided numerical derivative at x = 0 on a fine grid of the same parabola.
    const fine = solveScl({
      ...base,
      model: 'mott-schottky',
      potentialDropV: dphi,
      profilePoints: 20001,
    }).profile;
    const h = (fine[1].xNm - fine[0].xNm) * 1e-9;
    const e0 = -(-3 * fine[0].potentialV + 4 * fine[1].potentialV - fine[2].potentialV) / (2 * h);
    expect(relErr(r.peakFieldVPerM, e0)).toBeLessThan(1e-6);
    expect(relErr(r.arealChargeUCPerCm2 / 100, E * 1e27 * wNm * 1e-9)).toBeLessThan(1e-12);
    expect(relErr(r.capacitanceUFPerCm2 / 100, eps / (wNm * 1e-9))).toBeLessThan(1e-12);
    expect(relErr(r.thicknessNm, wNm / 2)).toBeLessThan(1e-12);
    // Boltzmann carriers on the parabola: R_SCL = (w/σ_bulk)∫₀¹(e^{ψ0u²} − 1)du by brute-force midpoint sum.
    const psi0 = dphi / VT;
    let j = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) j += Math.expm1(psi0 * ((i + 0.5) / n) ** 2) / n;
    expect(relErr(r.sclResistanceOhmCm2 as number, (wNm * 1e-7 * j) / 1e-3)).toBeLessThan(1e-6);
  });
});

describe('limits (physics.md §1.4a, §1.4c)', () => {
  it('linear regime |ψ0| ≪ 1: σ = εΔφ/λ_D and C = ε/λ_D', () => {
    const r = run({ potentialDropV: 1e-5 });
    const lambdaM = r.debyeLengthNm * 1e-9;
    const eps = EPS0 * 30;
    expect(relErr(r.arealChargeUCPerCm2 / 100, (eps * 1e-5) / lambdaM)).toBeLessThan(1e-3);
    expect(relErr(r.capacitanceUFPerCm2 / 100, eps / lambdaM)).toBeLessThan(1e-3);
    expect(relErr(r.thicknessNm, r.debyeLengthNm)).toBeLessThan(1e-3);
  });

  it('Δφ → 0 gives the linear limit without NaN for every model', () => {
    for (const model of ['gouy-chapman', 'lattice-gas', 'mott-schottky'] as const) {
      for (const dphi of [0, 1e-12, -1e-9]) {
        const r = run({ model, siteDensityCm3: 4e21, potentialDropV: dphi });
        const values = [
          r.arealChargeUCPerCm2,
          r.capacitanceUFPerCm2,
          r.thicknessNm,
          r.peakFieldVPerM,
          r.sclResistanceOhmCm2 as number,
          r.activationEnergyShiftEv,
          ...r.profile.map((p) => p.xNm + p.potentialV + p.concentrationRatio),
        ];
        expect(values.every(Number.isFinite)).toBe(true);
        // Linear lattice gas screens over λ_D/sqrt(1 − θ0) (§1.3), θ0 = 0.25.
        const lambdaEff = model === 'gouy-chapman' ? r.debyeLengthNm : r.debyeLengthNm / Math.sqrt(0.75);
        expect(relErr(r.thicknessNm, lambdaEff)).toBeLessThan(1e-6);
      }
    }
  });

  it('lattice gas with θ0 → 0 recovers Gouy–Chapman', () => {
    for (const dphi of [0.2, -0.05]) {
      const gc = run({ potentialDropV: dphi });
      const lg = run({ model: 'lattice-gas', siteDensityCm3: 1e27, potentialDropV: dphi });
      expect(relErr(lg.arealChargeUCPerCm2, gc.arealChargeUCPerCm2)).toBeLessThan(1e-5);
      expect(relErr(lg.capacitanceUFPerCm2, gc.capacitanceUFPerCm2)).toBeLessThan(1e-5);
      expect(relErr(lg.sclResistanceOhmCm2 as number, gc.sclResistanceOhmCm2 as number)).toBeLessThan(1e-5);
    }
  });

  it('full depletion tends to Mott–Schottky: σ → sqrt(2εeN(Δφ − kT/e)) for GC, → the MS σ for GC and lattice gas', () => {
    const dphi = 1.0;
    const eps = EPS0 * 30;
    const ms = run({ model: 'mott-schottky', potentialDropV: dphi });
    const gc = run({ potentialDropV: dphi });
    expect(relErr(gc.arealChargeUCPerCm2, Math.sqrt(2 * eps * E * 1e27 * (dphi - VT)) * 100)).toBeLessThan(
      1e-9,
    );
    expect(relErr(gc.arealChargeUCPerCm2, ms.arealChargeUCPerCm2)).toBeLessThan(VT / (2 * dphi) + 1e-3);
    // Lattice gas: G → θ0ψ0 + ln(1 − θ0) once θ(ψ0) ≈ 0, i.e. a kT correction of −V_T·ln(1 − θ0)/θ0 (hand-derived).
    const theta0 = 1 / 3;
    const lg = run({ model: 'lattice-gas', siteDensityCm3: 3e21, potentialDropV: dphi });
    const asymptote = Math.sqrt(2 * eps * E * 1e27 * (dphi + (VT * Math.log(1 - theta0)) / theta0)) * 100;
    expect(relErr(lg.arealChargeUCPerCm2, asymptote)).toBeLessThan(1e-9);
    expect(relErr(lg.arealChargeUCPerCm2, ms.arealChargeUCPerCm2)).toBeLessThan(0.02);
  });

  it('full accumulation under saturation: σ → sqrt(2εe(c_max − n0)|Δφ|) (vacancy-limited MS)', () => {
    const dphi = -1.0;
    const theta0 = 0.5;
    const lg = run({ model: 'lattice-gas', siteDensityCm3: 2e21, potentialDropV: dphi });
    const eps = EPS0 * 30;
    const vacanciesM3 = 2e27 - 1e27;
    const holes = Math.sqrt(2 * eps * E * vacanciesM3 * Math.abs(dphi)) * 100;
    expect(relErr(lg.arealChargeUCPerCm2, holes)).toBeLessThan(0.03);
    // Same asymptotics as depletion with the roles of Li and vacancies swapped: |Δφ| + V_T·ln θ0/(1 − θ0).
    const exactAsymptote =
      Math.sqrt(2 * eps * E * vacanciesM3 * (Math.abs(dphi) + (VT * Math.log(theta0)) / (1 - theta0))) * 100;
    expect(relErr(lg.arealChargeUCPerCm2, exactAsymptote)).toBeLessThan(1e-9);
  });

  it('sign convention: Δφ > 0 depletes (c(0) < n0, R_SCL > 0), Δφ < 0 accumulates (R_SCL < 0)', () => {
    const dep = run({ model: 'lattice-gas', siteDensityCm3: 2e21, potentialDropV: 0.2 });
    const acc = run({ model: 'lattice-gas', siteDensityCm3: 2e21, potentialDropV: -0.2 });
    expect(dep.surfaceConcentrationRatio).toBeLessThan(1);
    expect(dep.sclResistanceOhmCm2).toBeGreaterThan(0);
    expect(acc.surfaceConcentrationRatio).toBeGreaterThan(1);
    expect(acc.sclResistanceOhmCm2).toBeLessThan(0);
    expect(acc.depletionWidthNm).toBeNull();
  });
});

describe('resistance and activation energy (physics.md §1.7, §1.8)', () => {
  it('MS resistivity ratio r = e^{ψ0}/(2ψ0): 6.30 (0.1 V), 154 (0.2), 5.04e3 (0.3), 7.3e6 (0.5)', () => {
    const expected: [number, number, number][] = [
      [0.1, 6.3, 0.005],
      [0.2, 154, 0.005],
      [0.3, 5.04e3, 0.005],
      [0.5, 7.3e6, 0.01],
    ];
    for (const [dphi, r, tol] of expected) {
      const psi0 = dphi / VT;
      expect(relErr(Math.exp(psi0) / (2 * psi0), r)).toBeLessThan(tol);
      // The exact integral J = ∫(e^{ψ0u²} − 1)du approaches r from above as 1 + 1/(2ψ0).
      const j = mottSchottkyResistanceIntegral(psi0);
      expect(j / r).toBeGreaterThan(1);
      expect(j / (Math.exp(psi0) / (2 * psi0))).toBeLessThan(1 + 1 / psi0);
      const ms = run({ model: 'mott-schottky', potentialDropV: dphi });
      expect(
        relErr(((ms.sclResistanceOhmCm2 as number) * 1e-3) / ((ms.depletionWidthNm as number) * 1e-7), j),
      ).toBeLessThan(1e-9);
    }
  });

  it('E_a shift equals k_B·d ln R_SCL/d(1/T) by finite differences, for every model', () => {
    for (const model of ['gouy-chapman', 'lattice-gas', 'mott-schottky'] as const) {
      for (const dphi of [0.05, 0.2, -0.1]) {
        if (model === 'gouy-chapman' && dphi < 0) continue;
        const at = (t: number) =>
          solveScl({
            ...base,
            model,
            siteDensityCm3: 3e21,
            potentialDropV: dphi,
            temperatureK: t,
            profilePoints: 0,
          });
        const dT = 0.01;
        const lnR = (t: number) => Math.log(Math.abs(at(t).sclResistanceOhmCm2 as number));
        const fd = ((KB / E) * (lnR(T + dT) - lnR(T - dT))) / (1 / (T + dT) - 1 / (T - dT));
        expect(Math.abs(at(T).activationEnergyShiftEv - fd)).toBeLessThan(1e-6);
      }
    }
  });

  it('strong depletion: E_a,SCL − E_a,bulk ≈ eΔφ − kT (§1.8)', () => {
    const ms = run({ model: 'mott-schottky', potentialDropV: 0.5 });
    expect(Math.abs(ms.activationEnergyShiftEv - (0.5 - VT))).toBeLessThan(0.1 * VT);
    const gc = run({ potentialDropV: 0.5 });
    expect(Math.abs(gc.activationEnergyShiftEv - (0.5 - VT))).toBeLessThan(0.1 * VT);
  });
});

describe('fields and Maxwell stress (physics.md §1.10, review statements)', () => {
  it('p_M = ½εE0²: 132.8 MPa (εr 30, 1e9), 830 (2.5e9), 0.111 (εr 10, 5e7), 0.443 (1e8)', () => {
    expect(maxwellStressMPa(30, 1e9)).toBeCloseTo(132.8, 1);
    expect(relErr(maxwellStressMPa(30, 2.5e9), 830)).toBeLessThan(0.001);
    expect(maxwellStressMPa(10, 5e7)).toBeCloseTo(0.111, 3);
    expect(maxwellStressMPa(10, 1e8)).toBeCloseTo(0.443, 3);
    const r = run({ potentialDropV: 0.3 });
    expect(r.maxwellStressMPa).toBeCloseTo(maxwellStressMPa(30, r.peakFieldVPerM), 9);
  });

  it('sulfide-type SCL (εr 20–40, n0 1e21) has peak fields ≥ 1e8 V/m at 0.2–0.5 V in every model', () => {
    for (const epsR of [20, 40]) {
      for (const dphi of [0.2, 0.5]) {
        for (const model of ['gouy-chapman', 'lattice-gas', 'mott-schottky'] as const) {
          const r = run({ model, epsR, siteDensityCm3: 2e21, potentialDropV: dphi });
          expect(r.peakFieldVPerM).toBeGreaterThanOrEqual(1e8);
        }
      }
    }
  });
});

describe('input validation', () => {
  const bad: [Partial<SclInput>, string][] = [
    [{ epsR: 0 }, 'epsR'],
    [{ epsR: -3 }, 'epsR'],
    [{ carrierDensityCm3: 0 }, 'carrierDensityCm3'],
    [{ siteDensityCm3: 5e20 }, 'siteDensityCm3'],
    [{ model: 'lattice-gas' }, 'siteDensityCm3'],
    [{ model: 'lattice-gas', siteDensityCm3: 1e21 }, 'siteDensityCm3'],
    [{ potentialDropV: Number.NaN }, 'potentialDropV'],
    [{ temperatureK: 0 }, 'temperatureK'],
    [{ model: 'debye' as SclInput['model'] }, 'model'],
  ];
  for (const [overrides, field] of bad) {
    it(`rejects ${JSON.stringify(overrides)} naming ${field}`, () => {
      try {
        run(overrides);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InterfaceModelInputError);
        expect((e as InterfaceModelInputError).field).toBe(field);
        expect((e as InterfaceModelInputError).reason.length).toBeGreaterThan(0);
      }
    });
  }
});
