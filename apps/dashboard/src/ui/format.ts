/** SOC (a 0–1 fraction) as the percentage text the contract fixes, e.g. 0.4234 → "42.3 %". */
export function formatSoc(soc: number | null | undefined): string {
  return typeof soc === 'number' && Number.isFinite(soc) ? `${(soc * 100).toFixed(1)} %` : '—';
}

/** A value with its unit, or an em dash when the server did not send one. */
export function formatValue(value: unknown, unit: string, digits = 3): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  let text: string;
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) text = value.toExponential(digits - 1);
  // toPrecision would write 4700 as "4.70e+3"; below 1e5 a rounded integer reads better.
  else if (abs >= 10 ** digits) text = String(Math.round(value));
  else text = value.toPrecision(digits);
  return unit ? `${trimZeros(text)} ${unit}` : trimZeros(text);
}

function trimZeros(text: string): string {
  if (text.includes('e')) return text;
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? '—'
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/** Seconds → "1 h 02 min", "3 min 05 s", "12 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(rest).padStart(2, '0')} s`;
  return `${rest} s`;
}
