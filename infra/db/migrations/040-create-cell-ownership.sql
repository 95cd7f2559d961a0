-- Which instance advances each cell's twin (issue #10). The holder renews its lease; a lease past
-- `expires_at` (its instance died or lost the database) may be taken over by any instance, which
-- then resumes the twin from the cell's newest checkpoint. `epoch` counts hand-overs.
CREATE TABLE IF NOT EXISTS cell_leases (
  cell_id text PRIMARY KEY REFERENCES cells (id) ON DELETE CASCADE,
  owner text NOT NULL,
  epoch bigint NOT NULL DEFAULT 1,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS cell_leases_owner_idx ON cell_leases (owner);

-- Samples of a cell committed by an instance that did not hold its lease, written in the same
-- statement as the samples: the owner steps its twin from `min_seq` on and deletes the row.
CREATE TABLE IF NOT EXISTS twin_pending (
  cell_id text PRIMARY KEY REFERENCES cells (id) ON DELETE CASCADE,
  min_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
