-- Which instance fits a stored spectrum: the cell's owner, since the fit calibrates that cell's twin.
-- A spectrum stored at another instance waits unclaimed for the owner's poll; a claim older than a
-- minute (its instance died mid-fit) may be taken over. Rows still 'pending' from before this column
-- are claimable too, so a fit a crash interrupted is done after all.
ALTER TABLE spectra ADD COLUMN IF NOT EXISTS claimed_by text;
ALTER TABLE spectra ADD COLUMN IF NOT EXISTS claimed_at timestamptz;
CREATE INDEX IF NOT EXISTS spectra_pending ON spectra (cell_id, ts, id) WHERE status = 'pending';
