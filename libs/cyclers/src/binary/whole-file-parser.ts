import type {
  IncrementalParser,
  ParsedFileInfo,
  ParsedRecord,
  ParserOptions,
  ParseWarning,
} from '../parser.types';

/**
 * Formats that need random access — a zip's central directory at the end (.xlsx), an Access
 * database's page map (.res) — can only be read once the whole file has arrived: `push` keeps the
 * bytes, `end` parses them. The streaming formats do not use this.
 */
export abstract class WholeFileParser implements IncrementalParser {
  private chunks: Uint8Array[] = [];
  protected fileInfo: ParsedFileInfo | null = null;
  protected readonly warningList: ParseWarning[] = [];
  private ended = false;

  constructor(protected readonly options: ParserOptions) {}

  get info(): ParsedFileInfo | null {
    return this.fileInfo;
  }

  get warnings(): readonly ParseWarning[] {
    return this.warningList;
  }

  push(chunk: Uint8Array): ParsedRecord[] {
    if (this.ended) throw new Error('push() after end()');
    // Copied: callers may reuse their read buffer.
    if (chunk.length > 0) this.chunks.push(chunk.slice());
    return [];
  }

  end(): ParsedRecord[] {
    if (this.ended) return [];
    this.ended = true;
    const file = Buffer.concat(this.chunks);
    this.chunks = [];
    return this.parseWhole(file);
  }

  protected abstract parseWhole(file: Buffer): ParsedRecord[];
}
