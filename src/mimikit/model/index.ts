export * from './messages.js';
export * from './snapshot.js';
export * from './tasks.js';
export * from './usage.js';
