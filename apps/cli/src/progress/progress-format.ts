export interface ProgressSnapshot {
  bytesRead: number;
  totalBytes: number;
  rows: number;
  elapsedMs: number;
}

/** "1:05", "12:03:09": ETA and elapsed times for humans. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${h > 0 ? String(m).padStart(2, '0') : m}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/**
 * ETA from bytes: rows per byte vary along a file (header, spectra), bytes do not lie about how much
 * is left. Remaining time = elapsed × (remaining bytes / bytes read so far).
 */
export function etaMs(p: ProgressSnapshot): number | null {
  if (p.bytesRead <= 0 || p.totalBytes <= 0) return null;
  return (p.elapsedMs * Math.max(0, p.totalBytes - p.bytesRead)) / p.bytesRead;
}

export function progressLine(p: ProgressSnapshot, barWidth: number | null): string {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  const rowsPerS = p.elapsedMs > 0 ? (p.rows * 1000) / p.elapsedMs : 0;
  const eta = etaMs(p);
  const parts = [
    `${(fraction * 100).toFixed(1).padStart(5)}%`,
    `${p.rows.toLocaleString('en-US')} rows`,
    `${Math.round(rowsPerS).toLocaleString('en-US')} rows/s`,
    `ETA ${eta === null ? '?' : formatDuration(eta)}`,
  ];
  if (barWidth === null) return parts.join('  ');
  const filled = Math.round(fraction * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${parts.join('  ')}`;
}
