import { Injectable } from '@nestjs/common';
import type { ImpedancePoint } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';

export type SpectrumStatus = 'pending' | 'fitted' | 'invalid' | 'fit-failed';

export interface StoredSpectrum {
  id: number;
  cellId: string;
  ts: string;
  soc: number | null;
  temperatureC: number | null;
  cycle: number | null;
  points: ImpedancePoint[];
  status: SpectrumStatus;
  valid: boolean | null;
  linKK: Record<string, unknown> | null;
  fit: {
    circuit: string;
    parameters: { name: string; value: number; stdErr: number }[];
    rmsRelErrorPct: number;
  } | null;
  interfaceArc: Record<string, unknown> | null;
}

interface SpectrumRow {
  id: number;
  cell_id: string;
  ts: Date;
  soc: number | null;
  temperature_c: number | null;
  cycle: number | null;
  points: ImpedancePoint[];
  status: SpectrumStatus;
  lin_kk: Record<string, unknown> | null;
  circuit: string | null;
  fit: StoredSpectrum['fit'];
  interface_arc: Record<string, unknown> | null;
}

function toSpectrum(r: SpectrumRow): StoredSpectrum {
  return {
    id: r.id,
    cellId: r.cell_id,
    ts: r.ts.toISOString(),
    soc: r.soc,
    temperatureC: r.temperature_c,
    cycle: r.cycle,
    points: r.points,
    status: r.status,
    valid: r.lin_kk ? Boolean(r.lin_kk.valid) : null,
    linKK: r.lin_kk,
    fit: r.fit,
    interfaceArc: r.interface_arc,
  };
}

@Injectable()
export class SpectraRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Stores a spectrum to be fitted with `circuit`. `claimedBy` is the instance that fits it (the
   * cell's owner); null leaves it for the owner's poll (`claimPending`).
   */
  async insert(s: {
    cellId: string;
    tsMs: number;
    soc: number | null;
    temperatureC: number | null;
    cycle: number | null;
    points: ImpedancePoint[];
    circuit: string;
    claimedBy: string | null;
  }): Promise<StoredSpectrum> {
    const { rows } = await this.db.pool.query<SpectrumRow>(
      `INSERT INTO spectra (cell_id, ts, soc, temperature_c, cycle, points, circuit, claimed_by, claimed_at)
       VALUES ($1, to_timestamp($2 / 1000.0), $3, $4, $5, $6, $7, $8::text,
               CASE WHEN $8::text IS NULL THEN NULL ELSE now() END) RETURNING *`,
      [s.cellId, s.tsMs, s.soc, s.temperatureC, s.cycle, JSON.stringify(s.points), s.circuit, s.claimedBy],
    );
    return toSpectrum(rows[0]);
  }

  /**
   * Claims up to `limit` spectra of `cellIds` still waiting for their fit, oldest first: unclaimed
   * ones (stored at an instance that does not own the cell) and claims older than `staleAfterMs`
   * (their instance died mid-fit). Returns them with the circuit they were sent for.
   */
  async claimPending(
    owner: string,
    cellIds: readonly string[],
    staleAfterMs: number,
    limit: number,
  ): Promise<{ spectrum: StoredSpectrum; circuit: string | null }[]> {
    if (cellIds.length === 0) return [];
    const { rows } = await this.db.pool.query<SpectrumRow>(
      `UPDATE spectra s SET claimed_by = $1, claimed_at = now()
       FROM (SELECT id FROM spectra
             WHERE status = 'pending' AND cell_id = ANY($2::text[])
               AND (claimed_by IS NULL OR claimed_at < now() - make_interval(secs => $3 / 1000.0))
             ORDER BY ts, id LIMIT $4 FOR UPDATE SKIP LOCKED) p
       WHERE s.id = p.id RETURNING s.*`,
      [owner, cellIds, staleAfterMs, limit],
    );
    return rows
      .sort((a, b) => a.ts.getTime() - b.ts.getTime() || a.id - b.id)
      .map((r) => ({ spectrum: toSpectrum(r), circuit: r.circuit }));
  }

  async saveResult(
    id: number,
    status: SpectrumStatus,
    linKk: unknown,
    circuit: string,
    fit: unknown,
    arc: unknown,
  ): Promise<StoredSpectrum> {
    const { rows } = await this.db.pool.query<SpectrumRow>(
      `UPDATE spectra SET status = $2, lin_kk = $3, circuit = $4, fit = $5, interface_arc = $6 WHERE id = $1 RETURNING *`,
      [
        id,
        status,
        JSON.stringify(linKk),
        circuit,
        fit === null ? null : JSON.stringify(fit),
        arc === null ? null : JSON.stringify(arc),
      ],
    );
    return toSpectrum(rows[0]);
  }

  async list(
    cellId: string,
    fromMs: number | null,
    toMs: number | null,
    limit: number,
  ): Promise<StoredSpectrum[]> {
    const { rows } = await this.db.pool.query<SpectrumRow>(
      `SELECT * FROM spectra WHERE cell_id = $1
         AND ($2::float8 IS NULL OR ts >= to_timestamp($2 / 1000.0))
         AND ($3::float8 IS NULL OR ts < to_timestamp($3 / 1000.0))
       ORDER BY ts, id LIMIT $4`,
      [cellId, fromMs, toMs, limit],
    );
    return rows.map(toSpectrum);
  }

  /** The cell's latest successful fit with this circuit: the warm start for the next spectrum. */
  async lastFit(cellId: string, circuit: string): Promise<StoredSpectrum['fit']> {
    const { rows } = await this.db.pool.query<{ fit: StoredSpectrum['fit'] }>(
      `SELECT fit FROM spectra WHERE cell_id = $1 AND circuit = $2 AND status = 'fitted' ORDER BY ts DESC, id DESC LIMIT 1`,
      [cellId, circuit],
    );
    return rows[0]?.fit ?? null;
  }

  async trajectory(cellId: string, param: string) {
    const { rows } = await this.db.pool.query<{
      id: number;
      ts: Date;
      cycle: number | null;
      soc: number | null;
      temperature_c: number | null;
      p: { name: string; value: number; stdErr: number } | null;
    }>(
      `SELECT id, ts, cycle, soc, temperature_c,
         (SELECT e FROM jsonb_array_elements(fit->'parameters') e WHERE e->>'name' = $2) AS p
       FROM spectra WHERE cell_id = $1 AND status = 'fitted' ORDER BY ts, id`,
      [cellId, param],
    );
    return rows
      .filter((r) => r.p !== null)
      .map((r) => ({
        spectrumId: r.id,
        ts: r.ts.toISOString(),
        cycle: r.cycle,
        soc: r.soc,
        temperatureC: r.temperature_c,
        value: r.p!.value,
        stdErr: r.p!.stdErr,
      }));
  }
}
