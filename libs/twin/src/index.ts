export * from './coulomb-counting';
export * from './cycle-tracker';
export * from './cell-twin';
export * from './operators';
export * from './token-buckets';
export * from './time-slicer';
