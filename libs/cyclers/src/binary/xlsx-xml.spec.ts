import { describe, expect, it } from 'vitest';
import { columnIndex, SharedStringsScanner, XlsxRowScanner } from './xlsx-xml';

const SHEET =
  '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>a &amp; b</t></is></c></row>' +
  '<row r="2"/><row r="3" spans="1:2"><c r="B3"><v>1.5E-3</v></c><c r="AA3" s="2"/></row></sheetData><rowBreaks/></worksheet>';

describe('XlsxRowScanner', () => {
  const expected = [
    {
      rowNumber: 1,
      cells: [
        { column: 0, type: 's', value: '0' },
        { column: 2, type: 'inlineStr', value: 'a & b' },
      ],
    },
    {
      rowNumber: 3,
      cells: [
        { column: 1, type: 'n', value: '1.5E-3' },
        { column: 26, type: 'n', value: '' },
      ],
    },
  ];

  it('reads rows, skipping empty ones', () => {
    expect(new XlsxRowScanner().push(SHEET)).toEqual(expected);
  });

  it('gives the same rows whatever the split point of the text', () => {
    for (let cut = 1; cut < SHEET.length; cut++) {
      const scanner = new XlsxRowScanner();
      expect([...scanner.push(SHEET.slice(0, cut)), ...scanner.push(SHEET.slice(cut))]).toEqual(expected);
    }
  });
});

describe('SharedStringsScanner', () => {
  it('joins rich-text runs, drops phonetic runs and keeps empty items, at any split', () => {
    const xml =
      '<sst><si><t>Test_Time(s)</t></si><si/><si><r><t>Volt</t></r><r><t xml:space="preserve">age(V)</t></r><rPh><t>x</t></rPh></si></sst>';
    for (let cut = 1; cut < xml.length; cut++) {
      const scanner = new SharedStringsScanner();
      scanner.push(xml.slice(0, cut));
      scanner.push(xml.slice(cut));
      expect(scanner.strings).toEqual(['Test_Time(s)', '', 'Voltage(V)']);
    }
  });
});

describe('columnIndex', () => {
  it('reads base-26 column letters', () => {
    expect([columnIndex('A1'), columnIndex('Z9'), columnIndex('AA3'), columnIndex('XFD1')]).toEqual([
      0, 25, 26, 16383,
    ]);
  });
});
