export * from './clock.js';
export * from './errors.js';
export * from './exit-codes.js';
export * from './metrics.js';
export * from './operations.js';
export * from './payloads.js';
export * from './topics.js';
