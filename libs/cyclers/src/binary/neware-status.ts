/**
 * Neware step-state codes as BTS writes them in .nda/.ndc records. The mapping is the one the
 * BSD-3 NewareNDA reader (SES AI, `dicts.py` state_dict) established from BTSDA exports.
 */
export const NEWARE_STATUS: Readonly<Record<number, string>> = {
  1: 'CC_Chg',
  2: 'CC_DChg',
  3: 'CV_Chg',
  4: 'Rest',
  5: 'Cycle',
  7: 'CCCV_Chg',
  8: 'CP_DChg',
  9: 'CP_Chg',
  10: 'CR_DChg',
  13: 'Pause',
  17: 'SIM',
  19: 'CV_DChg',
  20: 'CCCV_DChg',
  21: 'Control',
  22: 'OCV',
  26: 'CPCV_DChg',
  27: 'CPCV_Chg',
};

export type NewareDirection = 'charge' | 'discharge' | 'none';

export function newareDirection(status: number): NewareDirection {
  const name = NEWARE_STATUS[status] ?? '';
  if (name.endsWith('_DChg')) return 'discharge';
  if (name.endsWith('_Chg')) return 'charge';
  return 'none';
}

/**
 * Neware files carry no usable cycle counter (the .nda BTS 9.1 record has none, the .ndax v5
 * record's is constant), so cycles follow BTSDA's "charge first" statistic: a cycle starts at the
 * first charge that follows a discharge. This is NewareNDA's `cycle_mode='chg'` rule.
 */
export class NewareCycleCounter {
  private cycle = 1;
  private sawDischarge = false;
  private previous: NewareDirection = 'none';

  next(status: number): number {
    const direction = newareDirection(status);
    if (direction === 'charge' && this.previous !== 'charge' && this.sawDischarge) {
      this.cycle += 1;
      this.sawDischarge = false;
    }
    if (direction === 'discharge') this.sawDischarge = true;
    if (direction !== 'none') this.previous = direction;
    return this.cycle;
  }
}

export const NEWARE_DERIVED_CYCLE_COLUMN = 'derived: charge after discharge (Neware "charge first")';
