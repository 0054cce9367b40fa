// Types for the tests, which are TypeScript; the service itself is plain JavaScript so that it runs
// from the image with no build step.
export type Fault = { kind: 'none' } | { kind: 'readiness' } | { kind: 'error-rate'; rate: number };
export function parseFault(spec: string | undefined): Fault;
export function errorSchedule(rate: number): () => boolean;
