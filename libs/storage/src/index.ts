export * from './sql-client';
export * from './migrations';
export * from './binary-copy-writer';
export * from './copy-support';
