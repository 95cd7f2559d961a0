export * from './measurements';
export * from './ingest.schema';
export * from './sample-validation';
export * from './cell.schema';
export * from './token.schema';
export * from './error.schema';
export * from './twin-state';
export * from './alerts.schema';
