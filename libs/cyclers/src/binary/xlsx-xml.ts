/*
 * Just enough SpreadsheetML (ECMA-376 Part 1, §18.3 worksheets, §18.4 shared strings) scanning to
 * read cycler exports row by row: no DOM, only the text of the row being assembled is kept.
 */

export interface XlsxCell {
  /** 0-based column index. */
  column: number;
  /** Cell type attribute `t` (s = shared string, inlineStr, str, b, n/absent = number). */
  type: string;
  /** Raw `<v>` text, or the inline string, XML entities decoded. */
  value: string;
}

export interface XlsxRow {
  /** 1-based row number from `r`, else counted. */
  rowNumber: number;
  cells: XlsxCell[];
}

const ENTITY: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith('#x')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : ENTITY[e]!,
  );
}

export function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(tag);
  return m ? decodeXmlText(m[1]!) : undefined;
}

/** "AB12" → 27 (0-based column of a cell reference). */
export function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n - 1;
}

/** Concatenated `<t>` runs of an `<si>`/`<is>` body (rich-text runs included, phonetic runs not). */
function stringItemText(body: string): string {
  const withoutPhonetic = body.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let text = '';
  for (const m of withoutPhonetic.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g))
    text += m[1] ?? '';
  return decodeXmlText(text);
}

const CELL = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;

/** Feeds decoded XML text; returns each `<row>` once its closing tag has arrived. */
export class XlsxRowScanner {
  private buffer = '';
  private counted = 0;

  push(text: string): XlsxRow[] {
    this.buffer += text;
    const rows: XlsxRow[] = [];
    let cursor = 0;
    for (;;) {
      const open = this.buffer.indexOf('<row', cursor);
      if (open < 0) {
        // Keep a possible partial "<row" at the end.
        cursor = Math.max(cursor, this.buffer.length - 4);
        break;
      }
      const tagEnd = this.buffer.indexOf('>', open);
      if (tagEnd < 0) {
        cursor = open;
        break;
      }
      const tag = this.buffer.slice(open + 4, tagEnd);
      if (!/^[\s/]/.test(tag) && tag !== '') {
        cursor = open + 4;
        continue;
      }
      if (tag.endsWith('/')) {
        this.counted = Number(attribute(tag.slice(0, -1), 'r') ?? this.counted + 1);
        cursor = tagEnd + 1;
        continue;
      }
      const close = this.buffer.indexOf('</row>', tagEnd);
      if (close < 0) {
        cursor = open;
        break;
      }
      rows.push(this.row(tag, this.buffer.slice(tagEnd + 1, close)));
      cursor = close + 6;
    }
    this.buffer = this.buffer.slice(cursor);
    return rows;
  }

  private row(tag: string, body: string): XlsxRow {
    const rowNumber = Number(attribute(tag, 'r') ?? this.counted + 1);
    this.counted = rowNumber;
    const cells: XlsxCell[] = [];
    let next = 0;
    for (const m of body.matchAll(CELL)) {
      const attrs = m[1] ?? '';
      const inner = m[2] ?? '';
      const ref = attribute(attrs, 'r');
      const column = ref ? columnIndex(ref) : next;
      next = column + 1;
      const type = attribute(attrs, 't') ?? 'n';
      let value: string;
      if (type === 'inlineStr') {
        const is = /<is>([\s\S]*?)<\/is>/.exec(inner);
        value = is ? stringItemText(is[1]!) : '';
      } else {
        const v = /<v>([\s\S]*?)<\/v>/.exec(inner);
        value = v ? decodeXmlText(v[1]!) : '';
      }
      cells.push({ column, type, value });
    }
    return { rowNumber, cells };
  }
}

/** Streams `<si>` items of sharedStrings.xml into an array (their count is the file's, not the sheet's). */
export class SharedStringsScanner {
  readonly strings: string[] = [];
  private buffer = '';

  push(text: string): void {
    this.buffer += text;
    let cursor = 0;
    for (;;) {
      const open = this.buffer.indexOf('<si', cursor);
      if (open < 0) {
        cursor = Math.max(cursor, this.buffer.length - 3);
        break;
      }
      const tagEnd = this.buffer.indexOf('>', open);
      if (tagEnd < 0) {
        cursor = open;
        break;
      }
      if (this.buffer[tagEnd - 1] === '/') {
        this.strings.push('');
        cursor = tagEnd + 1;
        continue;
      }
      const close = this.buffer.indexOf('</si>', tagEnd);
      if (close < 0) {
        cursor = open;
        break;
      }
      this.strings.push(stringItemText(this.buffer.slice(tagEnd + 1, close)));
      cursor = close + 5;
    }
    this.buffer = this.buffer.slice(cursor);
  }
}
