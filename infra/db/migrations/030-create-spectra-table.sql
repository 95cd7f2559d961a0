-- Impedance spectra as measured, with their Lin-KK verdict and circuit fit (null when not fitted).
CREATE TABLE IF NOT EXISTS spectra (
  id bigserial PRIMARY KEY,
  cell_id text NOT NULL REFERENCES cells (id) ON DELETE CASCADE,
  ts timestamptz NOT NULL,
  soc double precision,
  temperature_c double precision,
  cycle integer,
  points jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fitted', 'invalid', 'fit-failed')),
  lin_kk jsonb,
  circuit text,
  fit jsonb,
  interface_arc jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS spectra_cell_ts ON spectra (cell_id, ts);
