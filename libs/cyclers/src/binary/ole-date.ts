/**
 * OLE Automation / Excel serial dates: days (with fraction) since 1899-12-30 00:00, wall-clock
 * time with no zone. Source: Microsoft, "DATE type" (oleauto) — "midnight, 30 December 1899 is
 * 0.0". Excel's 1900 system agrees from serial 61 (1900-03-01) on; earlier serials carry its
 * fictitious 1900-02-29 and never occur in cycler data.
 */
const OLE_EPOCH_MS = Date.UTC(1899, 11, 30);
const MS_PER_DAY = 86_400_000;

/** Serial days read as UTC wall-clock, rounded to the millisecond. */
export function oleDaysToEpochMs(days: number): number {
  return Math.round(OLE_EPOCH_MS + days * MS_PER_DAY);
}
