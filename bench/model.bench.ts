/**
 * Interface twin throughput: steps the per-sample twin over a CC-CV cycling trajectory and reports µs/sample
 * amortised, against the cost of a full (uncached) evaluation measured in the same run (the baseline ratio).
 * Run: npx tsx bench/model.bench.ts  (budget from the brief: ≤ 20 µs/sample amortised).
 */
import { performance } from 'node:perf_hooks';
import {
  createInterfaceTwin,
  evaluateInterface,
  type TwinSample,
  type TwinState,
} from '@twin/interface-model';

const SAMPLES = 1_000_000;
const BASELINE_SAMPLES = 20_000;
const BUDGET_US = 20;

/**
 * 1 Hz samples of a C/3 CC charge to SOC 0.97, a CV tail approaching 1 with τ = 20 min, 30 min rest, C/3 CC
 * discharge to SOC 0.02 and 30 min rest; temperature logged at 0.1 °C resolution with a slow drift; 5 MPa stack.
 */
function ccCvTrajectory(n: number): TwinSample[] {
  const out: TwinSample[] = new Array(n);
  const ratePerS = 1 / (3 * 3600);
  let soc = 0.02;
  let phase: 'cc-charge' | 'cv' | 'rest-top' | 'cc-discharge' | 'rest-bottom' = 'cc-charge';
  let phaseTimeS = 0;
  let cycle = 0;
  for (let i = 0; i < n; i++) {
    phaseTimeS++;
    switch (phase) {
      case 'cc-charge':
        soc += ratePerS;
        if (soc >= 0.97) [phase, phaseTimeS] = ['cv', 0];
        break;
      case 'cv':
        soc = 1 - 0.03 * Math.exp(-phaseTimeS / 1200);
        if (phaseTimeS >= 3600) [phase, phaseTimeS] = ['rest-top', 0];
        break;
      case 'rest-top':
        if (phaseTimeS >= 1800) [phase, phaseTimeS] = ['cc-discharge', 0];
        break;
      case 'cc-discharge':
        soc -= ratePerS;
        if (soc <= 0.02) [phase, phaseTimeS] = ['rest-bottom', 0];
        break;
      case 'rest-bottom':
        if (phaseTimeS >= 1800) {
          [phase, phaseTimeS] = ['cc-charge', 0];
          cycle++;
        }
        break;
    }
    const temperatureC =
      Math.round(10 * (25 + 1.5 * Math.sin(i / 7200) + (phase === 'cc-charge' ? 0.4 : 0))) / 10;
    out[i] = { soc, temperatureC, stackPressureMPa: 5, cycle };
  }
  return out;
}

function main(): void {
  const cell = { cathode: 'NCM811', electrolyte: 'Li6PS5Cl' } as const;
  const twin = createInterfaceTwin(cell);
  const samples = ccCvTrajectory(SAMPLES);

  // Baseline: every sample re-solves the SCL (same code path, cache bypassed).
  let s: TwinState = twin.initialState();
  for (let i = 0; i < 2000; i++) s = twin.stepUncached(s, samples[i]).state;
  s = twin.initialState();
  let t0 = performance.now();
  for (let i = 0; i < BASELINE_SAMPLES; i++) s = twin.stepUncached(s, samples[i]).state;
  const uncachedUs = ((performance.now() - t0) * 1000) / BASELINE_SAMPLES;

  // The what-if entry point with a 64-point profile, for reference.
  t0 = performance.now();
  for (let i = 0; i < 2000; i++)
    evaluateInterface({ ...cell, soc: samples[i * 10].soc, stackPressureMPa: 5 });
  const whatIfUs = ((performance.now() - t0) * 1000) / 2000;

  // Cached twin over the whole trajectory.
  s = twin.initialState();
  let regimeCounts: Record<string, number> = {};
  t0 = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    const r = twin.step(s, samples[i]);
    s = r.state;
    if ((i & 1023) === 0)
      regimeCounts[r.output.regime.regime] = (regimeCounts[r.output.regime.regime] ?? 0) + 1;
  }
  const cachedUs = ((performance.now() - t0) * 1000) / SAMPLES;
  regimeCounts = Object.fromEntries(Object.entries(regimeCounts).sort());

  const lines = [
    `interface twin, NCM811 | Li6PS5Cl, ${SAMPLES.toLocaleString('en')} CC-CV samples (${s.mechanics.cycle} cycles)`,
    `  cached step          ${cachedUs.toFixed(2)} µs/sample amortised (budget ${BUDGET_US} µs)`,
    `  uncached step        ${uncachedUs.toFixed(2)} µs/sample (baseline, ${BASELINE_SAMPLES.toLocaleString('en')} samples)`,
    `  speed-up             ${(uncachedUs / cachedUs).toFixed(1)}×`,
    `  SCL re-solves        ${s.sclEvaluations.toLocaleString('en')} (${((100 * s.sclEvaluations) / SAMPLES).toFixed(2)} % of samples)`,
    `  evaluateInterface    ${whatIfUs.toFixed(2)} µs/call (with 64-point profile)`,
    `  regimes (sampled)    ${JSON.stringify(regimeCounts)}`,
    `  verdict              ${cachedUs <= BUDGET_US ? 'within budget' : 'OVER BUDGET'}`,
  ];
  console.log(lines.join('\n'));
}

main();
