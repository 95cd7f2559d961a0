import { strToU8, zipSync } from 'fflate';

/**
 * Writes a small Arbin-style .xlsx: a Global_Info sheet and channel sheets whose first row is the
 * header. Header cells use shared strings (as Excel writes them) unless `inlineHeader` is set.
 * sharedStrings.xml is placed after the sheets, as in the real export.
 */
export interface SyntheticSheet {
  name: string;
  header: string[];
  /** Cell values; null leaves the cell out, strings become inline strings. */
  rows: (number | string | null)[][];
  inlineHeader?: boolean;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const col = (i: number) =>
  i < 26
    ? String.fromCharCode(65 + i)
    : String.fromCharCode(64 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26));

export function writeSyntheticXlsx(
  sheets: SyntheticSheet[],
  globalInfo?: { header: string[]; values: (string | number)[] },
): Uint8Array {
  const shared: string[] = [];
  const sharedIndex = (s: string) => {
    const i = shared.indexOf(s);
    if (i >= 0) return i;
    shared.push(s);
    return shared.length - 1;
  };
  const cell = (ref: string, v: number | string | null, inline = true): string => {
    if (v === null) return '';
    if (typeof v === 'number') return `<c r="${ref}" s="1"><v>${v}</v></c>`;
    return inline
      ? `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`
      : `<c r="${ref}" t="s"><v>${sharedIndex(v)}</v></c>`;
  };
  const sheetXml = (rows: { cells: (number | string | null)[]; inline: boolean }[]) =>
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    rows
      .map(
        (r, i) =>
          `<row r="${i + 1}" spans="1:${r.cells.length}">${r.cells.map((v, j) => cell(`${col(j)}${i + 1}`, v, r.inline)).join('')}</row>`,
      )
      .join('') +
    '</sheetData></worksheet>';

  const all = [
    ...(globalInfo
      ? [
          {
            name: 'Global_Info',
            rows: [
              { cells: ['TEST REPORT'], inline: false },
              { cells: globalInfo.header, inline: false },
              { cells: globalInfo.values, inline: false },
            ],
          },
        ]
      : []),
    ...sheets.map((s) => ({
      name: s.name,
      rows: [
        { cells: s.header, inline: s.inlineHeader ?? false },
        ...s.rows.map((r) => ({ cells: r, inline: true })),
      ],
    })),
  ];
  const files: Record<string, Uint8Array> = {};
  files['[Content_Types].xml'] = strToU8(
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  );
  files['xl/workbook.xml'] = strToU8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
      all.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
      '</sheets></workbook>',
  );
  files['xl/_rels/workbook.xml.rels'] = strToU8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      all
        .map(
          (_, i) =>
            `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
        )
        .join('') +
      '</Relationships>',
  );
  all.forEach((s, i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(sheetXml(s.rows))));
  files['xl/sharedStrings.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">` +
      shared.map((s) => `<si><t>${esc(s)}</t></si>`).join('') +
      '</sst>',
  );
  return zipSync(files, { level: 6 });
}
