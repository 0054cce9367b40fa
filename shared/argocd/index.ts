/**
 * Argo CD for Paved: a typed REST client ({@link ArgoCdClient}), a live view of an application (stream
 * with polling fallback), and the waits a pipeline needs (a revision live and healthy; an operation slot).
 */
export * from './types.js';
export * from './client.js';
export * from './observe.js';
export * from './verdict.js';
export * from './wait.js';
