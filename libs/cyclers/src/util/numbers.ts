// Accepts a decimal point or a decimal comma (EC-Lab writes the PC locale's separator, even mixed in one file).
const DECIMAL_RE = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;

/** A strictly numeric field, or undefined when the text is not a number (never a partial parse). */
export function parseDecimal(raw: string): number | undefined {
  const text = raw.trim();
  if (!DECIMAL_RE.test(text)) return undefined;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}
