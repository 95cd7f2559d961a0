import {
  createArbinResParser,
  createArbinXlsxParser,
  createMprParser,
  createNdaParser,
  createNdaxParser,
} from './binary/index';
import { DETECT_HEAD_BYTES, detectFormat } from './detect-format';
import type { CyclerFormat, IncrementalParser, ParsedRecord, ParserOptions } from './parser.types';
import {
  createArbinCsvParser,
  createBasytecTxtParser,
  createBatteryArchiveCsvParser,
  createBdfCsvParser,
  createBiologicMptParser,
  createGamryDtaParser,
  createMaccorTxtParser,
  createNewareCsvParser,
  createNovonixCsvParser,
} from './text/index';

export interface CreateParserOptions extends ParserOptions {
  /** Used by 'auto' detection for error messages (content decides the format). */
  fileName?: string;
}

const FACTORIES: Record<CyclerFormat, (options: ParserOptions) => IncrementalParser> = {
  'biologic-mpt': createBiologicMptParser,
  'biologic-mpr': createMprParser,
  'arbin-csv': createArbinCsvParser,
  'arbin-xlsx': createArbinXlsxParser,
  'arbin-res': createArbinResParser,
  'maccor-txt': createMaccorTxtParser,
  'neware-csv': createNewareCsvParser,
  'neware-ndax': createNdaxParser,
  'neware-nda': createNdaParser,
  'gamry-dta': createGamryDtaParser,
  'bdf-csv': createBdfCsvParser,
  'battery-archive-csv': createBatteryArchiveCsvParser,
  'basytec-txt': createBasytecTxtParser,
  'novonix-csv': createNovonixCsvParser,
};

export function createParser(
  format: CyclerFormat | 'auto',
  options: CreateParserOptions = {},
): IncrementalParser {
  return format === 'auto' ? new AutoDetectingParser(options) : FACTORIES[format](options);
}

/** Buffers the first chunks until enough of the file is there to detect its format, then delegates. */
class AutoDetectingParser implements IncrementalParser {
  private inner: IncrementalParser | null = null;
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;

  constructor(private readonly options: CreateParserOptions) {}

  get info() {
    return this.inner?.info ?? null;
  }

  get warnings() {
    return this.inner?.warnings ?? [];
  }

  push(chunk: Uint8Array): ParsedRecord[] {
    if (this.inner !== null) return this.inner.push(chunk);
    this.buffered.push(chunk.slice());
    this.bufferedBytes += chunk.length;
    return this.bufferedBytes >= DETECT_HEAD_BYTES ? this.start() : [];
  }

  end(): ParsedRecord[] {
    const records = this.inner === null ? this.start() : [];
    return records.concat(this.inner!.end());
  }

  private start(): ParsedRecord[] {
    const head = new Uint8Array(this.bufferedBytes);
    let at = 0;
    for (const part of this.buffered) {
      head.set(part, at);
      at += part.length;
    }
    this.buffered = [];
    const { fileName, ...parserOptions } = this.options;
    this.inner = FACTORIES[detectFormat(head, fileName)](parserOptions);
    return this.inner.push(head);
  }
}
