import { describe, expect, it } from 'vitest';
import { compileMapping, globToRegExp, mapFile } from './harvest-mapping';

describe('globToRegExp', () => {
  it('keeps * and ? inside one path segment and lets ** cross segments', () => {
    expect(globToRegExp('*.csv').test('a.csv')).toBe(true);
    expect(globToRegExp('*.csv').test('dir/a.csv')).toBe(false);
    expect(globToRegExp('rig-?.mpt').test('rig-7.mpt')).toBe(true);
    expect(globToRegExp('rig-?.mpt').test('rig-17.mpt')).toBe(false);
    expect(globToRegExp('**/*.csv').test('a.csv')).toBe(true);
    expect(globToRegExp('**/*.csv').test('x/y/a.csv')).toBe(true);
    expect(globToRegExp('data/**').test('data/x/y.txt')).toBe(true);
  });

  it('reads {a,b} alternatives and [..] classes, and dots literally', () => {
    const re = globToRegExp('cell-[0-9][0-9].{csv,mpt}');
    expect(re.test('cell-07.csv')).toBe(true);
    expect(re.test('cell-07.mpt')).toBe(true);
    expect(re.test('cell-07.txt')).toBe(false);
    expect(re.test('cell-07xcsv')).toBe(false);
    expect(globToRegExp('[!a]*').test('bcd')).toBe(true);
    expect(globToRegExp('[!a]*').test('abc')).toBe(false);
  });
});

describe('mapping rules', () => {
  const rules = compileMapping({
    rules: [
      {
        pattern: '/^rig(?<rack>\\d+)\\/(?<cell>[A-Za-z0-9-]+)\\.csv$/',
        cellIdFrom: 'cell',
        format: 'arbin-csv',
      },
      { pattern: 'fixed-*.mpt', cellId: 'cell-fixed' },
      { pattern: 'archive/**/*.txt', cellId: 'archived' },
    ],
  });

  it('takes the cell id from a named regex group, with the rule format', () => {
    expect(mapFile(rules, 'rig2/C-17.csv')).toMatchObject({ cellId: 'C-17', format: 'arbin-csv' });
  });

  it('matches a slash-free glob against the file name anywhere and defaults the format to auto', () => {
    expect(mapFile(rules, 'x/y/fixed-01.mpt')).toMatchObject({ cellId: 'cell-fixed', format: 'auto' });
    expect(mapFile(rules, 'archive/2024/05/a.txt')?.cellId).toBe('archived');
    expect(mapFile(rules, 'other/a.txt')).toBeNull();
  });

  it('names the bad rule and field', () => {
    expect(() => compileMapping({ rules: [{ pattern: '*.csv' }] })).toThrow(/rules\.0.*exactly one/s);
    expect(() => compileMapping({ rules: [{ pattern: '*.csv', cellIdFrom: 'cell' }] })).toThrow(
      /rules\.0\.cellIdFrom/,
    );
    expect(() => compileMapping({ rules: [{ pattern: '*.csv', cellId: 'x', format: 'excel' }] })).toThrow(
      /rules\.0\.format/,
    );
    expect(() => compileMapping({ rules: [{ pattern: '*.csv', cellId: 'bad id' }] })).toThrow(/cellId/);
    expect(() => compileMapping({})).toThrow(/rules/);
  });
});
