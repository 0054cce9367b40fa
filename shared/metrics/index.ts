/** Delivery metrics (DORA) from the GitOps repository: recording formats, reading, computing, rendering. */
export * from './records.js';
export * from './history.js';
export * from './dora.js';
export * from './render.js';
