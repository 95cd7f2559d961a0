export { createArbinResParser } from './arbin-res.parser';
export { createArbinXlsxParser } from './arbin-xlsx.parser';
export { createMprParser } from './biologic-mpr.parser';
export { detectBinaryFormat } from './detect-binary-format';
export { createNdaParser } from './neware-nda.parser';
export { createNdaxParser } from './neware-ndax.parser';
