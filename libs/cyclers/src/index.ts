export * from './parser.types';
export { createParser, type CreateParserOptions } from './create-parser';
export { detectFormat, DETECT_HEAD_BYTES, UnknownFormatError } from './detect-format';
export { ImportSummaryAccumulator, summarizeRecords, type CycleSummary, type ImportSummary } from './summary';
export { writeBdfCsv, BDF_WRITE_COLUMNS, type BdfWriteOptions } from './bdf-writer';
export * from './text/index';
export * from './format-list';
