import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SpectrumRecord } from '@twin/contracts';
import { fitCircuit, linKk, type Spectrum } from '@twin/eis';
import { describe, expect, it } from 'vitest';
import { createParser } from './create-parser';

/*
 * End to end: a real PEIS file through the cyclers parser, then into the EIS lib. A test-only
 * dependency of cyclers on eis (both pure libs); nothing in cyclers' sources imports eis.
 */
const FIXTURE = resolve(__dirname, '../../../../shared/fixtures/cyclers/biologic_eis/peis.mpt');
const HAVE_FIXTURE = existsSync(FIXTURE);

function toSpectrum(record: SpectrumRecord, keep: (fHz: number) => boolean = () => true): Spectrum {
  const points = record.points.filter((p) => keep(p.fHz));
  return {
    frequenciesHz: points.map((p) => p.fHz),
    zRealOhm: points.map((p) => p.zRealOhm),
    zImagOhm: points.map((p) => p.zImagOhm),
  };
}

describe.skipIf(!HAVE_FIXTURE)(
  `peis.mpt through createParser('auto') and fitCircuit ${HAVE_FIXTURE ? '' : `(skipped: ${FIXTURE} not found; the fixtures live in <repo>/../shared)`}`,
  () => {
    // Parsed inside the tests' scope only when the fixture exists (vitest still collects skipped suites).
    const parser = createParser('auto', { fileName: 'peis.mpt' });
    const records = HAVE_FIXTURE
      ? [...parser.push(new Uint8Array(readFileSync(FIXTURE))), ...parser.end()]
      : [];
    const spectra = records.flatMap((r) => (r.kind === 'spectrum' ? [r.spectrum] : []));

    it('reads one 32-point spectrum with -Im(Z) turned into Z″', () => {
      expect(parser.info?.format).toBe('biologic-mpt');
      expect(spectra).toHaveLength(1);
      const spectrum = spectra[0]!;
      expect(spectrum.points).toHaveLength(32);
      // First data line: 1.9999814E+005 Hz, Re 1.0512296E+001, -Im 7.3047662E-001 (capacitive → Z″ < 0).
      expect(spectrum.points[0]).toEqual({ fHz: 199998.14, zRealOhm: 10.512296, zImagOhm: -0.73047662 });
      expect(spectrum.points.at(-1)!.fHz).toBe(1.0000616);
    });

    it('is Kramers–Kronig consistent only between 150 Hz and 10 kHz', () => {
      // Below ~100 Hz the points scatter (Re jumps 0.9 → 29 Ω, Im changes sign) and at 18.8 kHz
      // Z″ is +1.36 Ω amid capacitive neighbours, so the whole sweep fails Lin-KK badly.
      const whole = linKk(toSpectrum(spectra[0]!));
      expect(whole.valid).toBe(false);
      expect(whole.residualRmsPct).toBeGreaterThan(10);
      const band = linKk(toSpectrum(spectra[0]!, (f) => f >= 150 && f <= 1e4));
      expect(band.valid).toBe(true);
      expect(band.residualRmsPct).toBeLessThan(1);
    });

    it('fits R0-p(R1,CPE1) on the valid band with no initial guess, RMS < 2 %', () => {
      const band = toSpectrum(spectra[0]!, (f) => f >= 150 && f <= 1e4);
      expect(band.frequenciesHz).toHaveLength(11);
      const fit = fitCircuit('R0-p(R1,CPE1)', band);
      expect(fit.rmsRelErrorPct).toBeLessThan(2);
      const value = (name: string) => fit.parameters.find((p) => p.name === name)!.value;
      // R0 is the high-frequency real-axis plateau: Re(Z) stays 10.5–10.9 Ω from 200 kHz to 4 kHz.
      expect(value('R0')).toBeGreaterThan(10.5);
      expect(value('R0')).toBeLessThan(11);
      // The arc has barely turned over at 150 Hz (Re 14.6 Ω), so R0 + R1 must exceed that.
      expect(value('R0') + value('R1')).toBeGreaterThan(14.6);
      // A near-ideal double layer: CPE exponent close to 1.
      expect(value('CPE1_1')).toBeGreaterThan(0.9);
      expect(value('CPE1_1')).toBeLessThanOrEqual(1);
    });
  },
);
