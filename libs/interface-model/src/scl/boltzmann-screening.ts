/**
 * Gouy–Chapman (one mobile carrier, physics.md §1.4b) and lattice gas with site saturation (§1.4c) share one
 * structure: the first integral of Poisson's equation gives (λ_D·dψ/dx)² = g2(ψ) in closed form, so σ, E0 and
 * C_d need no profile, and the profile and R_SCL are one-dimensional quadratures in ψ (§1.5, §1.7).
 */
import { compositeGauss, gaussLegendre3 } from '../numerics/quadrature';
import type { ProfilePoint, SclCore } from './scl.types';

export interface BoltzmannScreening {
  readonly model: 'gouy-chapman' | 'lattice-gas';
  /** θ0 = n0/c_max; 0 for Gouy–Chapman. */
  readonly theta0: number;
  /** (λ_D dψ/dx)² from the first integral. */
  g2(psi: number): number;
  /** c(ψ)/n0. */
  concentrationRatio(psi: number): number;
  /** n0/c(ψ) − 1, the local excess resistivity for σ_ion = σ_bulk·c/n0 (§1.7). */
  excessResistivity(psi: number): number;
}

/** Series below |ψ| = 1e-4 avoid the cancellation in e^{−ψ} + ψ − 1 (|ψ0| → 0 limit without NaN). */
const SERIES_LIMIT = 1e-4;

/** §1.4b: F(ψ) = e^{−ψ} + ψ − 1. */
function gouyChapmanF(psi: number): number {
  if (Math.abs(psi) < SERIES_LIMIT) return psi * psi * (0.5 - psi / 6 + (psi * psi) / 24);
  return Math.expm1(-psi) + psi;
}

export const GOUY_CHAPMAN: BoltzmannScreening = {
  model: 'gouy-chapman',
  theta0: 0,
  g2: (psi) => 2 * gouyChapmanF(psi),
  concentrationRatio: (psi) => Math.exp(-psi),
  excessResistivity: (psi) => Math.expm1(psi),
};

/**
 * §1.4c: G(ψ) = ln(1 − θ0 + θ0 e^{−ψ}) + θ0 ψ, evaluated without overflow for strong accumulation and with
 * its Taylor series (derived by expanding ln(1 + θ0(e^{−ψ} − 1))) near ψ = 0.
 */
export function latticeGasG(psi: number, theta0: number): number {
  const a = theta0;
  if (Math.abs(psi) < SERIES_LIMIT) {
    const c2 = (a * (1 - a)) / 2;
    const c3 = -a / 6 + (a * a) / 2 - (a * a * a) / 3;
    const c4 = a / 24 - (7 * a * a) / 24 + (a * a * a) / 2 - (a * a * a * a) / 4;
    return psi * psi * (c2 + psi * (c3 + psi * c4));
  }
  if (psi > -30) return Math.log1p(a * Math.expm1(-psi)) + a * psi;
  // ln(θ0 e^{−ψ}(1 + (1−θ0)/θ0·e^{ψ})) + θ0ψ: the e^{−ψ} factor is taken out before it overflows.
  return Math.log(a) - psi + Math.log1p(((1 - a) / a) * Math.exp(psi)) + a * psi;
}

export function latticeGasScreening(theta0: number): BoltzmannScreening {
  return {
    model: 'lattice-gas',
    theta0,
    g2: (psi) => (2 * latticeGasG(psi, theta0)) / theta0,
    // θ/θ0 with θ = θ0e^{−ψ}/(1 − θ0 + θ0e^{−ψ}) written as a logistic so neither limit overflows.
    concentrationRatio: (psi) => 1 / (theta0 + (1 - theta0) * Math.exp(psi)),
    // θ0/θ − 1 = (1 − θ0)(e^{ψ} − 1).
    excessResistivity: (psi) => (1 - theta0) * Math.expm1(psi),
  };
}

export interface BoltzmannInputs {
  readonly psi0: number;
  readonly debyeLengthM: number;
  readonly permittivityFPerM: number;
  readonly thermalVoltageV: number;
  readonly carrierDensityM3: number;
  readonly elementaryChargeC: number;
  readonly profilePoints: number;
}

const LINEAR_LIMIT = 1e-6;
/** Profile runs from ψ0 to ψ0·1e-3 (x ≈ 7 λ_eff in the linear tail). */
const PROFILE_DECADES = Math.log(1e-3);

function profile(s: BoltzmannScreening, inp: BoltzmannInputs): ProfilePoint[] {
  const n = inp.profilePoints;
  if (n < 2) return [];
  const { psi0, debyeLengthM: lambda, thermalVoltageV: vt } = inp;
  const points: ProfilePoint[] = [
    { xNm: 0, potentialV: psi0 * vt, concentrationRatio: s.concentrationRatio(psi0) },
  ];
  if (Math.abs(psi0) < LINEAR_LIMIT) {
    // §1.4a linear limit: φ = Δφ·exp(−x/λ_eff).
    const lambdaEff = lambda / Math.sqrt(1 - s.theta0);
    for (let k = 1; k < n; k++) {
      const t = (k / (n - 1)) * PROFILE_DECADES;
      const psi = psi0 * Math.exp(t);
      points.push({
        xNm: -t * lambdaEff * 1e9,
        potentialV: psi * vt,
        concentrationRatio: s.concentrationRatio(psi),
      });
    }
    return points;
  }
  // §1.5: x(ψ) = ∫_ψ^{ψ0} dψ'/|dψ'/dx|; with ψ = ψ0·e^t the integrand λ_D·|ψ|/sqrt(g2) stays finite as ψ → 0.
  const integrand = (t: number) => {
    const psi = psi0 * Math.exp(t);
    return (lambda * Math.abs(psi)) / Math.sqrt(s.g2(psi));
  };
  let xM = 0;
  let tPrev = 0;
  for (let k = 1; k < n; k++) {
    const t = (k / (n - 1)) * PROFILE_DECADES;
    xM += gaussLegendre3(integrand, t, tPrev);
    tPrev = t;
    const psi = psi0 * Math.exp(t);
    points.push({ xNm: xM * 1e9, potentialV: psi * vt, concentrationRatio: s.concentrationRatio(psi) });
  }
  return points;
}

export function solveBoltzmannScreening(s: BoltzmannScreening, inp: BoltzmannInputs): SclCore {
  const { psi0, debyeLengthM: lambda, permittivityFPerM: eps, thermalVoltageV: vt } = inp;
  const lambdaEff = lambda / Math.sqrt(1 - s.theta0);
  const surfaceConcentrationRatio = s.concentrationRatio(psi0);
  if (Math.abs(psi0) < LINEAR_LIMIT) {
    // §1.4a: σ = εΔφ/λ, C_d = ε/λ with λ_eff = λ_D/sqrt(1 − θ0) (§1.3); R_SCL·σ_bulk = ∫(1−θ0)ψ dx.
    return {
      modelUsed: s.model,
      arealChargeCPerM2: (eps * Math.abs(psi0) * vt) / lambdaEff,
      capacitanceFPerM2: eps / lambdaEff,
      thicknessM: lambdaEff,
      surfaceConcentrationRatio,
      resistanceLengthM: Math.sqrt(1 - s.theta0) * psi0 * lambda,
      activationShiftOverKT: 0.5,
      resistanceLogSensitivity: 1,
      profile: profile(s, inp),
    };
  }
  const g2At0 = s.g2(psi0);
  const sigma = (eps * vt * Math.sqrt(g2At0)) / lambda;
  const fieldVPerM = sigma / eps;
  // §1.4b/c: C_d = |ρ(0)|/E0 with ρ(0) = e·n0·(c(0)/n0 − 1).
  const capacitance =
    (inp.elementaryChargeC * inp.carrierDensityM3 * Math.abs(surfaceConcentrationRatio - 1)) / fieldVPerM;

  // §1.7: R_SCL·σ_bulk = ∫(n0/c − 1)dx = λ_D·K, K = ∫ excess(ψ)/sqrt(g2(ψ)) dψ over the SE side.
  const k = (psi: number) => s.excessResistivity(psi) / Math.sqrt(s.g2(psi));
  const lo = Math.min(0, psi0);
  const hi = Math.max(0, psi0);
  const intervals = Math.min(80, Math.max(2, Math.ceil((hi - lo) / 0.5)));
  const kIntegral = compositeGauss(k, lo, hi, intervals);
  // §1.8: ln R = ln λ_D(T) + ln K(ψ0(T)) − ln σ_bulk; with λ_D ∝ √T and ψ0 ∝ 1/T at fixed Δφ,
  // (E_a,SCL − E_a,bulk)/kT = ψ0·K'(ψ0)/K − 1/2 (→ ψ0 − 1 for strong depletion, as in §1.8).
  // K integrates over [min(0,ψ0), max(0,ψ0)], so K'(ψ0) = sign(ψ0)·k(ψ0).
  const logSlope = (Math.abs(psi0) * k(psi0)) / kIntegral;
  return {
    modelUsed: s.model,
    arealChargeCPerM2: sigma,
    capacitanceFPerM2: capacitance,
    thicknessM: (eps * Math.abs(psi0) * vt) / sigma,
    surfaceConcentrationRatio,
    resistanceLengthM: lambda * kIntegral,
    activationShiftOverKT: logSlope - 0.5,
    resistanceLogSensitivity: logSlope,
    profile: profile(s, inp),
  };
}
