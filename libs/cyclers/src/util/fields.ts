/**
 * Splits one delimited line. Comma files may quote fields (`"a,b"`, doubled quotes inside); TAB
 * files from cyclers never quote, so they split plainly. Quoted fields spanning lines are not
 * supported: no cycler export seen writes them.
 */
export function splitFields(line: string, delimiter: ',' | '\t' | ';'): string[] {
  if (delimiter === '\t' || !line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
