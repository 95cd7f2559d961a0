import { describe, expect, it } from 'vitest';
import { seededNoise } from '../testing/seeded-noise';
import {
  pulseResistanceExtractor,
  type PulseResistanceEstimate,
  type PulseResistanceExtractor,
  type PulseResistanceParams,
  type PulseResistanceState,
  type PulseSample,
} from './pulse-resistance';

const R_OHM = 40;
const CAPACITY_AH = 0.01;
const ocvV = (soc: number) => 3.6 + 0.5 * soc;

interface StreamOptions {
  dtSeconds: number;
  durationSeconds: number;
  currentA: (tSeconds: number) => number;
  noiseV?: number;
  resolutionV?: number;
  seed?: number;
}

/** V = OCV(SOC) + I·R (+ noise, quantised), SOC by coulomb counting from 0.5. */
function syntheticStream(o: StreamOptions): PulseSample[] {
  const noise = seededNoise(o.seed ?? 1);
  const samples: PulseSample[] = [];
  let soc = 0.5;
  for (let t = 0; t <= o.durationSeconds; t += o.dtSeconds) {
    const currentA = o.currentA(t);
    let voltageV = ocvV(soc) + currentA * R_OHM + (o.noiseV ?? 0) * noise.gaussian();
    if (o.resolutionV) voltageV = Math.round(voltageV / o.resolutionV) * o.resolutionV;
    samples.push({
      tsMs: Date.UTC(2025, 0, 1) + t * 1000,
      voltageV,
      currentA,
      soc,
      temperatureC: 25,
      cycle: 1,
    });
    soc += (currentA * o.dtSeconds) / 3600 / CAPACITY_AH;
  }
  return samples;
}

/** `step` folded over the samples: every estimate, and the state after the last sample. */
function fold(
  extractor: PulseResistanceExtractor,
  samples: PulseSample[],
): { estimates: PulseResistanceEstimate[]; state: PulseResistanceState } {
  let state = extractor.init();
  const estimates: PulseResistanceEstimate[] = [];
  for (const s of samples) {
    const out = extractor.step(state, s);
    state = out.state;
    estimates.push(...out.estimates);
  }
  return { estimates, state };
}

function extract(samples: PulseSample[], params: PulseResistanceParams): PulseResistanceEstimate[] {
  return fold(pulseResistanceExtractor(params), samples).estimates;
}

/** 30 s of 2 mA, 60 s rest, repeated: one rising and one falling edge per 90 s. */
const pulseTrain = (t: number) => (t % 90 >= 30 && t % 90 < 60 ? 0.002 : 0);
/** 400 s of the pulse train with 0.2 mV noise: edges at 30, 60, 120, 150, 210, 240, 300, 330 and 390 s. */
const noisyPulseTrain = () =>
  syntheticStream({ dtSeconds: 1, durationSeconds: 400, currentA: pulseTrain, noiseV: 0.0002 });

describe('pulse resistance', () => {
  it('recovers R from noisy, quantised V = OCV(SOC) + I·R, with an honest uncertainty', () => {
    const noiseV = 0.0002;
    const resolutionV = 0.0001;
    const samples = syntheticStream({
      dtSeconds: 1,
      durationSeconds: 90 * 60,
      currentA: pulseTrain,
      noiseV,
      resolutionV,
      seed: 3,
    });
    const estimates = extract(samples, {
      minStepA: 0.001,
      delaySeconds: 10,
      voltageNoiseV: noiseV,
      voltageResolutionV: resolutionV,
      ocvV,
    });
    // Both edges of every pulse are read out: 30 s on and 60 s off both exceed the 10 s delay.
    expect(estimates.length).toBe(2 * 60);
    expect(estimates.every((e) => e.ocvCorrected)).toBe(true);
    // Predicted 1σ: √(σ²·(1 + 1) ) / ΔI with σ² = noise² + q²/12 (read-out on a sample, f = 1).
    const predicted = Math.sqrt(2 * (noiseV ** 2 + resolutionV ** 2 / 12)) / 0.002;
    expect(estimates[0].uncertaintyOhm).toBeCloseTo(predicted, 10);
    const rs = estimates.map((e) => e.resistanceOhm);
    const meanR = rs.reduce((a, b) => a + b) / rs.length;
    const sd = Math.sqrt(rs.reduce((a, b) => a + (b - meanR) ** 2, 0) / (rs.length - 1));
    expect(Math.abs(meanR - R_OHM)).toBeLessThan((3 * predicted) / Math.sqrt(rs.length));
    // The stated uncertainty matches the scatter it claims to describe.
    expect(sd / predicted).toBeGreaterThan(0.8);
    expect(sd / predicted).toBeLessThan(1.25);
    expect(rs.every((r) => Math.abs(r - R_OHM) < 4.5 * predicted)).toBe(true);
  });

  it('without the OCV model, R carries the bias (dOCV/dSOC)·ΔSOC/ΔI of the charge passed in the delay', () => {
    const samples = syntheticStream({ dtSeconds: 1, durationSeconds: 89, currentA: pulseTrain });
    const [rising, falling] = extract(samples, { minStepA: 0.001, delaySeconds: 10 });
    // Rising edge at t = 30 s: read at 40 s; charge passed between the pre-edge sample (29 s) and 40 s is
    // 2 mA over 10 s (samples hold the current of their own second), ΔSOC = 0.002·10/3600/0.01.
    const dSoc = (0.002 * 10) / 3600 / CAPACITY_AH;
    expect(rising.kind).toBe('step');
    expect(rising.resistanceOhm).toBeCloseTo(R_OHM + (0.5 * dSoc) / 0.002, 9);
    // Falling edge at 60 s: the pre-edge sample (59 s) still carries 2 mA for its own second, so 1 s of
    // charge passes between it and the read-out; ΔI is negative, so the bias is too.
    expect(falling.deltaCurrentA).toBeCloseTo(-0.002, 12);
    const dSocFalling = (0.002 * 1) / 3600 / CAPACITY_AH;
    expect(falling.resistanceOhm).toBeCloseTo(R_OHM + (0.5 * dSocFalling) / -0.002, 9);
  });

  it('reads the voltage at exactly edge + delay by interpolating between bracketing samples', () => {
    // 3 s logging and a 10 s delay: the read-out falls between the 9 s and 12 s samples after the edge.
    // A voltage ramp after the edge (as from diffusion) makes the interpolation visible.
    const tEdge = 30;
    const samples: PulseSample[] = [];
    for (let t = 0; t <= 60; t += 3) {
      const on = t >= tEdge;
      const v = 3.8 + (on ? 0.002 * R_OHM + 0.001 * (t - tEdge) : 0);
      samples.push({
        tsMs: t * 1000,
        voltageV: v,
        currentA: on ? 0.002 : 0,
        soc: null,
        temperatureC: null,
        cycle: 4,
      });
    }
    const [e] = extract(samples, { minStepA: 0.001, delaySeconds: 10 });
    expect(e.measuredAtMs).toBe(40_000);
    // ΔV = I·R + 1 mV/s · 10 s = 0.08 + 0.01 V
    expect(e.deltaVoltageV).toBeCloseTo(0.09, 12);
    expect(e.resistanceOhm).toBeCloseTo(0.09 / 0.002, 9);
    expect(e.cycle).toBe(4);
  });

  it('drops a pulse whose current changes before the read-out, and sees a small rest→current edge', () => {
    const current = (t: number) => (t < 10 ? 0 : t < 14 ? 0.002 : t < 40 ? 0.0015 : 0.0003);
    const samples = syntheticStream({ dtSeconds: 1, durationSeconds: 70, currentA: current });
    const params = { minStepA: 0.001, delaySeconds: 10, stepToleranceA: 0.0002, ocvV };
    // 0→2 mA at 10 s is cut short at 14 s (ΔI 0.5 mA < minStep, but beyond tolerance); 1.5→0.3 mA at 40 s
    // is a full step read at 50 s.
    const plain = extract(samples, params);
    expect(plain.map((e) => e.edgeTsMs / 1000 - Date.UTC(2025, 0, 1) / 1000)).toEqual([40]);
    expect(plain[0].resistanceOhm).toBeCloseTo(R_OHM, 6);

    const small = syntheticStream({
      dtSeconds: 1,
      durationSeconds: 40,
      currentA: (t) => (t < 10 ? 0 : 0.0003),
    });
    expect(extract(small, params)).toHaveLength(0);
    const withRest = extract(small, { ...params, restCurrentA: 0.00005 });
    expect(withRest).toHaveLength(1);
    expect(withRest[0].kind).toBe('rest-edge');
    expect(withRest[0].resistanceOhm).toBeCloseTo(R_OHM, 6);
  });

  it('gives the same estimates when its state is persisted as JSON mid-stream', () => {
    const samples = noisyPulseTrain();
    const params = { minStepA: 0.001, delaySeconds: 5 };
    const direct = extract(samples, params);
    const extractor = pulseResistanceExtractor(params);
    let state = extractor.init();
    const viaJson: PulseResistanceEstimate[] = [];
    for (const s of samples) {
      const out = extractor.step(JSON.parse(JSON.stringify(state)), s);
      state = out.state;
      viaJson.push(...out.estimates);
    }
    expect(viaJson).toEqual(direct);
    // Nine edges, each read 5 s later.
    expect(direct.length).toBe(9);
  });

  it('gives through a cursor, run after run, what folding step gives', () => {
    const samples = noisyPulseTrain();
    const extractor = pulseResistanceExtractor({ minStepA: 0.001, delaySeconds: 5 });
    const folded = fold(extractor, samples);
    // Runs of 13 samples, each from the state the last run left: the live path's batches.
    const viaCursor: PulseResistanceEstimate[] = [];
    let cursorState = extractor.init();
    for (let i = 0; i < samples.length; i += 13) {
      const cursor = extractor.cursor(cursorState);
      for (const s of samples.slice(i, i + 13)) {
        const e = cursor.push(s);
        if (e !== null) viaCursor.push(e);
      }
      cursorState = cursor.state();
    }
    expect(folded.estimates.length).toBe(9);
    expect(viaCursor).toEqual(folded.estimates);
    expect(cursorState).toEqual(folded.state);
  });

  it('never changes the state a cursor started from or one it handed out', () => {
    const samples = syntheticStream({ dtSeconds: 1, durationSeconds: 60, currentA: pulseTrain });
    const extractor = pulseResistanceExtractor({ minStepA: 0.001, delaySeconds: 5 });
    let state = extractor.init();
    // Up to 2 s after the 30 s edge: an edge waits for its read-out.
    for (const s of samples.slice(0, 33)) state = extractor.step(state, s).state;
    expect(state.pending).not.toBeNull();
    const start = JSON.stringify(state);
    const cursor = extractor.cursor(state);
    cursor.push(samples[33]);
    const handedOut = cursor.state();
    const handedOutText = JSON.stringify(handedOut);
    for (const s of samples.slice(34, 40)) cursor.push(s);
    expect(JSON.stringify(state)).toBe(start);
    expect(JSON.stringify(handedOut)).toBe(handedOutText);
    expect(handedOut.pending?.last.tsMs).toBe(samples[33].tsMs);
  });
});
