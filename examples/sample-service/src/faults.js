// Fault injection for demos and rollback tests. The mode is fixed at build time in build-info.json
// (written by scripts/configure-build.js) and can be overridden at run time with SAMPLE_FAULT.
//   none              healthy
//   readiness         /healthz answers 503: the rollout never becomes ready
//   error-rate=<0..1> that share of requests to / answers 500, spread evenly (not random, so tests
//                     and demos see the same rate every time)

/** Parse a fault spec; throws with the accepted forms when it is malformed. */
export function parseFault(spec) {
  const text = (spec ?? '').trim();
  if (text === '' || text === 'none') return { kind: 'none' };
  if (text === 'readiness') return { kind: 'readiness' };
  const match = /^error-rate=(0(\.\d+)?|1(\.0+)?)$/.exec(text);
  if (match) return { kind: 'error-rate', rate: Number(match[1]) };
  throw new Error(
    `SAMPLE_FAULT must be none, readiness or error-rate=<0..1> like error-rate=0.5; got ${JSON.stringify(text)}`,
  );
}

/**
 * A counter-based error schedule: request n fails when floor(n·rate) advances, so exactly
 * round(N·rate) of any N consecutive requests fail.
 */
export function errorSchedule(rate) {
  let n = 0;
  return () => {
    n += 1;
    return Math.floor(n * rate) > Math.floor((n - 1) * rate);
  };
}
