/**
 * A synthetic Arbin TRI-layout CSV whose facts are known by construction (for the CLI/API e2e tests):
 * row i at t = 2i s, DateTime = start + 2i (epoch s), cycle 1 charging at +2 A for the first half,
 * cycle 2 discharging at −1 A for the second half, voltage 3.000 + 0.001·(i mod 1000) V, temperature 25 °C.
 */
export interface SyntheticArbin {
  text: string;
  rows: number;
  firstTsMs: number;
  lastTsMs: number;
  voltageMinV: number;
  voltageMaxV: number;
  /** Trapezoidal ∫I dt per cycle, computed by hand from the construction (see the test). */
  cycles: { index: number; chargeAh: number; dischargeAh: number }[];
}

export function syntheticArbin(rows: number, startEpochS = 1_750_000_000, eol = '\r\n'): SyntheticArbin {
  const half = Math.floor(rows / 2);
  const lines = [
    'Data_Point,Test_Time,DateTime,Step_Time,Step_Index,Cycle_Index,Current,Voltage,Charge_Capacity,Discharge_Capacity,Temperature',
  ];
  for (let i = 0; i < rows; i++) {
    const charging = i < half;
    lines.push(
      [
        i + 1,
        2 * i,
        startEpochS + 2 * i,
        2 * i,
        charging ? 2 : 3,
        charging ? 1 : 2,
        charging ? 2 : -1,
        (3 + 0.001 * (i % 1000)).toFixed(3),
        0,
        0,
        25,
      ].join(','),
    );
  }
  // Cycle 1: (half − 1) intervals of 2 s at 2 A. Cycle 2: the interval closing at row `half` runs from
  // +2 A to −1 A and crosses zero at 2/3 of its 2 s (charge ½·2·(4/3) = 4/3 A·s, discharge
  // ½·1·(2/3) = 1/3 A·s), then (rows − half − 1) intervals of 2 s at −1 A.
  const cycles = [
    { index: 1, chargeAh: ((half - 1) * 4) / 3600, dischargeAh: 0 },
    { index: 2, chargeAh: 4 / 3 / 3600, dischargeAh: ((rows - half - 1) * 2 + 1 / 3) / 3600 },
  ];
  return {
    text: lines.join(eol) + eol,
    rows,
    firstTsMs: startEpochS * 1000,
    lastTsMs: (startEpochS + 2 * (rows - 1)) * 1000,
    voltageMinV: 3,
    voltageMaxV: Number((3 + 0.001 * Math.min(rows - 1, 999)).toFixed(3)),
    cycles,
  };
}
