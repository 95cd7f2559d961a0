/**
 * EC-Lab `.mpr` data-module column IDs. BioLogic does not document them; the IDs, byte types and
 * names below are the ones the reference readers galvani (echemdata) and yadg (dgbowl,
 * `extractors/eclab/common/mpr_columns.py`) agree on, checked here against the `.mpt` export of
 * every fixture (same names as the `.mpt` header, units included).
 */
export type MprDtype = 'f4' | 'f8' | 'u1' | 'u2' | 'u4';

export interface MprColumn {
  name: string;
  dtype: MprDtype;
}

export const MPR_DTYPE_BYTES: Readonly<Record<MprDtype, number>> = { u1: 1, u2: 2, u4: 4, f4: 4, f8: 8 };

/** Flag IDs share one packed byte, stored at the position of the first flag ID in the list. */
export const MPR_FLAG_COLUMNS: Readonly<Record<number, { name: string; mask: number }>> = {
  1: { name: 'mode', mask: 0x03 },
  2: { name: 'ox/red', mask: 0x04 },
  3: { name: 'error', mask: 0x08 },
  21: { name: 'control changes', mask: 0x10 },
  31: { name: 'Ns changes', mask: 0x20 },
  65: { name: 'counter inc.', mask: 0x80 },
};

export const MPR_DATA_COLUMNS: Readonly<Record<number, MprColumn>> = {
  4: { name: 'time/s', dtype: 'f8' },
  5: { name: 'control/V/mA', dtype: 'f4' },
  6: { name: 'Ewe/V', dtype: 'f4' },
  7: { name: 'dq/mA.h', dtype: 'f8' },
  8: { name: 'I/mA', dtype: 'f4' },
  9: { name: 'Ece/V', dtype: 'f4' },
  11: { name: '<I>/mA', dtype: 'f8' },
  13: { name: '(Q-Qo)/mA.h', dtype: 'f8' },
  16: { name: 'Analog IN 1/V', dtype: 'f4' },
  17: { name: 'Analog IN 2/V', dtype: 'f4' },
  19: { name: 'control/V', dtype: 'f4' },
  20: { name: 'control/mA', dtype: 'f4' },
  23: { name: 'dQ/mA.h', dtype: 'f8' },
  24: { name: 'cycle number', dtype: 'f8' },
  32: { name: 'freq/Hz', dtype: 'f4' },
  33: { name: '|Ewe|/V', dtype: 'f4' },
  34: { name: '|I|/A', dtype: 'f4' },
  35: { name: 'Phase(Z)/deg', dtype: 'f4' },
  36: { name: '|Z|/Ohm', dtype: 'f4' },
  37: { name: 'Re(Z)/Ohm', dtype: 'f4' },
  38: { name: '-Im(Z)/Ohm', dtype: 'f4' },
  39: { name: 'I Range', dtype: 'u2' },
  69: { name: 'R/Ohm', dtype: 'f4' },
  70: { name: 'P/W', dtype: 'f4' },
  74: { name: '|Energy|/W.h', dtype: 'f8' },
  75: { name: 'Analog OUT/V', dtype: 'f4' },
  76: { name: '<I>/mA', dtype: 'f4' },
  77: { name: '<Ewe>/V', dtype: 'f4' },
  96: { name: '|Ece|/V', dtype: 'f4' },
  98: { name: 'Phase(Zce)/deg', dtype: 'f4' },
  99: { name: '|Zce|/Ohm', dtype: 'f4' },
  100: { name: 'Re(Zce)/Ohm', dtype: 'f4' },
  101: { name: '-Im(Zce)/Ohm', dtype: 'f4' },
  123: { name: 'Energy charge/W.h', dtype: 'f8' },
  124: { name: 'Energy discharge/W.h', dtype: 'f8' },
  125: { name: 'Capacitance charge/µF', dtype: 'f8' },
  126: { name: 'Capacitance discharge/µF', dtype: 'f8' },
  131: { name: 'Ns', dtype: 'u2' },
  163: { name: '|Estack|/V', dtype: 'f4' },
  168: { name: 'Rcmp/Ohm', dtype: 'f4' },
  169: { name: 'Cs/µF', dtype: 'f4' },
  172: { name: 'Cp/µF', dtype: 'f4' },
  174: { name: '<Ewe>/V', dtype: 'f4' },
  182: { name: 'step time/s', dtype: 'f8' },
  430: { name: 'Phase(Zwe-ce)/deg', dtype: 'f4' },
  431: { name: '|Zwe-ce|/Ohm', dtype: 'f4' },
  432: { name: 'Re(Zwe-ce)/Ohm', dtype: 'f4' },
  433: { name: '-Im(Zwe-ce)/Ohm', dtype: 'f4' },
  441: { name: '<Ece>/V', dtype: 'f4' },
  462: { name: 'Temperature/°C', dtype: 'f4' },
  467: { name: 'Q charge/discharge/mA.h', dtype: 'f8' },
  468: { name: 'half cycle', dtype: 'u4' },
  469: { name: 'z cycle', dtype: 'u4' },
  471: { name: '<Ece>/V', dtype: 'f4' },
};
