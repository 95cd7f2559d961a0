/**
 * Battery Data Format column names: each quantity has a preferred label (`Test Time / s`) and a
 * machine-readable name (`test_time_second`); readers must accept both
 * (battery-data-alliance/battery-data-format README, "Defining the BDF").
 */
export const BDF_COLUMNS = {
  testTime: { label: 'Test Time / s', machine: 'test_time_second' },
  voltage: { label: 'Voltage / V', machine: 'voltage_volt' },
  current: { label: 'Current / A', machine: 'current_ampere' },
  unixTime: { label: 'Unix Time / s', machine: 'unix_time_second' },
  cycleCount: { label: 'Cycle Count / 1', machine: 'cycle_count' },
  stepCount: { label: 'Step Count / 1', machine: 'step_count' },
  stepIndex: { label: 'Step Index / 1', machine: 'step_index' },
  ambientTemperature: { label: 'Ambient Temperature / degC', machine: 'ambient_temperature_celsius' },
  temperatureT1: { label: 'Surface Temperature T1 / degC', machine: 'temperature_t1_celsius' },
} as const;

export type BdfQuantity = keyof typeof BDF_COLUMNS;

const normalise = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, ' ');

const LOOKUP = new Map<string, BdfQuantity>();
for (const [quantity, names] of Object.entries(BDF_COLUMNS) as [
  BdfQuantity,
  { label: string; machine: string },
][]) {
  LOOKUP.set(normalise(names.label), quantity);
  LOOKUP.set(names.machine, quantity);
}
// Seen in the wild and in our own brief: the T1 label without "Surface".
LOOKUP.set(normalise('Temperature T1 / degC'), 'temperatureT1');

export function bdfQuantityOf(header: string): BdfQuantity | null {
  return LOOKUP.get(normalise(header)) ?? null;
}
