export * from './sql-client';
export * from './migrations';
