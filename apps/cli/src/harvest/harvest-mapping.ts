import { z } from 'zod';
import { isFormatChoice, type FormatChoice } from '../import/format-choice';

/**
 * The mapping file: `{ "rules": [{ "pattern": "...", "cellId": "..." | "cellIdFrom": "...", "format"?: "auto" }] }`.
 * A pattern written as `/…/flags` is a regular expression; anything else is a glob. Both are matched
 * against the file's path relative to the watched folder, with `/` separators; a glob without `/`
 * matches the file name alone (as in .gitignore). The first matching rule wins.
 */
const ruleSchema = z
  .object({
    pattern: z.string().min(1, 'required'),
    cellId: z.string().min(1).optional(),
    cellIdFrom: z.string().min(1).optional(),
    format: z
      .string()
      .refine(isFormatChoice, 'must be auto or a cycler format (see docs/formats.md)')
      .optional(),
  })
  .strict()
  .refine((r) => (r.cellId === undefined) !== (r.cellIdFrom === undefined), {
    message: 'give exactly one of cellId and cellIdFrom',
  });

const mappingSchema = z.object({ rules: z.array(ruleSchema).min(1, 'at least one rule') }).strict();

export interface HarvestRule {
  pattern: string;
  regex: RegExp;
  /** Match the file name only (a glob without `/`), else the relative path. */
  nameOnly: boolean;
  cellId: string | null;
  cellIdFrom: string | null;
  format: FormatChoice;
}

export interface FileMapping {
  cellId: string;
  format: FormatChoice;
  rule: HarvestRule;
}

const CELL_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Validates and compiles a parsed mapping file; every problem is named with its rule index. */
export function compileMapping(json: unknown): HarvestRule[] {
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || 'mapping'}: ${i.message}`);
    throw new Error(`invalid mapping file:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data.rules.map((rule, index) => {
    const where = `rules.${index}`;
    const regexLiteral = /^\/(.+)\/([a-z]*)$/s.exec(rule.pattern);
    let regex: RegExp;
    try {
      regex = regexLiteral ? new RegExp(regexLiteral[1], regexLiteral[2]) : globToRegExp(rule.pattern);
    } catch (error) {
      throw new Error(`invalid mapping file: ${where}.pattern: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (rule.cellIdFrom !== undefined && !(regexLiteral && regex.source.includes(`(?<${rule.cellIdFrom}>`))) {
      throw new Error(
        `invalid mapping file: ${where}.cellIdFrom: needs a /regex/ pattern with a group (?<${rule.cellIdFrom}>…)`,
      );
    }
    if (rule.cellId !== undefined && !CELL_ID_PATTERN.test(rule.cellId)) {
      throw new Error(`invalid mapping file: ${where}.cellId: must match [A-Za-z0-9._-]{1,64}`);
    }
    return {
      pattern: rule.pattern,
      regex,
      nameOnly: !regexLiteral && !rule.pattern.includes('/'),
      cellId: rule.cellId ?? null,
      cellIdFrom: rule.cellIdFrom ?? null,
      format: (rule.format ?? 'auto') as FormatChoice,
    };
  });
}

/** The cell a file goes to, or null when no rule matches (or a captured id is not a valid cell id). */
export function mapFile(rules: readonly HarvestRule[], relativePath: string): FileMapping | null {
  const path = relativePath.split('\\').join('/');
  const name = path.slice(path.lastIndexOf('/') + 1);
  for (const rule of rules) {
    const match = rule.regex.exec(rule.nameOnly ? name : path);
    if (!match) continue;
    const cellId = rule.cellId ?? match.groups?.[rule.cellIdFrom!];
    if (cellId === undefined || !CELL_ID_PATTERN.test(cellId)) continue;
    return { cellId, format: rule.format, rule };
  }
  return null;
}

/**
 * Glob → anchored RegExp: `**` any number of path segments, `*` and `?` within one segment,
 * `{a,b}` alternatives, `[…]` classes; everything else literal.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashAfter = glob[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) throw new Error(`unclosed [ in glob "${glob}"`);
      out += `[${glob
        .slice(i + 1, close)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '{') {
      braces += 1;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces -= 1;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else {
      out += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  if (braces > 0) throw new Error(`unclosed { in glob "${glob}"`);
  return new RegExp(`^${out}$`);
}
