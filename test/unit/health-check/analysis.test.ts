import { describe, expect, test } from 'vitest';
import {
  applyMeasurement,
  endWindow,
  initialAnalysisState,
  type AnalysisPhase,
  type CheckPolicy,
  type MeasurementPhase,
} from '../../../shared/health/analysis.js';

const policy = (overrides: Partial<CheckPolicy> = {}): CheckPolicy => ({
  failureLimit: 1,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  consecutiveSuccesses: 0,
  ...overrides,
});

const code: Record<string, MeasurementPhase> = {
  S: 'successful',
  F: 'failed',
  I: 'inconclusive',
  E: 'error',
};

/** Feed a string of measurements (S/F/I/E) to one check; returns the phase after each and at the end. */
function run(
  sequence: string,
  limits: Partial<CheckPolicy>,
  closeWindow = true,
): { phase: AnalysisPhase; decidedAfter?: number; reason?: string } {
  let state = initialAnalysisState([{ name: 'c', policy: policy(limits) }]);
  let decidedAfter: number | undefined;
  [...sequence].forEach((letter, i) => {
    state = applyMeasurement(state, {
      check: 'c',
      at: i * 1000,
      phase: code[letter] as MeasurementPhase,
      observed: letter,
    });
    if (state.phase !== 'running' && decidedAfter === undefined) decidedAfter = i + 1;
  });
  if (closeWindow) state = endWindow(state);
  return { phase: state.phase, decidedAfter, reason: state.reason };
}

describe('one check, Argo Rollouts semantics', () => {
  test.each([
    // sequence, limits, phase, decided after n measurements (undefined = only at the window's end)
    ['SSSSS', {}, 'successful', undefined],
    ['SFSSS', { failureLimit: 1 }, 'successful', undefined], // one blip under the limit: no rollback
    ['SFSFS', { failureLimit: 1 }, 'failed', 4],
    ['FFSSS', { failureLimit: 1 }, 'failed', 2],
    ['FSSSS', { failureLimit: 0 }, 'failed', 1],
    ['SFFFS', { failureLimit: 2 }, 'failed', 4],
    ['SISSS', { inconclusiveLimit: 0 }, 'inconclusive', 2],
    ['SISSS', { inconclusiveLimit: 1 }, 'successful', undefined],
    ['EEEES', { consecutiveErrorLimit: 4 }, 'successful', undefined],
    ['EEEEE', { consecutiveErrorLimit: 4 }, 'error', 5],
    ['EESEEE', { consecutiveErrorLimit: 2 }, 'error', 6], // a success resets the run of errors
    ['EEEE', { consecutiveErrorLimit: 4 }, 'inconclusive', undefined], // nothing usable measured
    ['SSS', { consecutiveSuccesses: 3 }, 'successful', 3],
    ['SSFSSS', { consecutiveSuccesses: 3 }, 'successful', 6],
    ['SFSS', { consecutiveSuccesses: 3 }, 'successful', undefined],
    ['', {}, 'inconclusive', undefined],
  ] as const)('%s with %o → %s', (sequence, limits, phase, decidedAfter) => {
    const result = run(sequence, limits);
    expect(result.phase).toBe(phase);
    expect(result.decidedAfter).toBe(decidedAfter);
  });

  test('measurements after a decision are ignored', () => {
    let state = initialAnalysisState([{ name: 'c', policy: policy({ failureLimit: 0 }) }]);
    state = applyMeasurement(state, {
      check: 'c',
      at: 0,
      phase: 'failed',
      observed: '500',
      message: 'status 500',
    });
    const after = applyMeasurement(state, { check: 'c', at: 1, phase: 'successful', observed: '200' });
    expect(after).toBe(state);
    expect(state.reason).toBe("check 'c': 1 failed measurement(s), more than failure-limit 0: status 500");
  });

  test('a window still running is not a verdict', () => {
    expect(run('SF', { failureLimit: 1 }, false).phase).toBe('running');
  });
});

describe('several checks', () => {
  const two = () =>
    initialAnalysisState([
      { name: 'http', policy: policy({ failureLimit: 0 }) },
      { name: 'prom', policy: policy({ inconclusiveLimit: 0, consecutiveSuccesses: 0 }) },
    ]);

  test('a failed check fails the analysis at once, even while others run', () => {
    let state = two();
    state = applyMeasurement(state, { check: 'prom', at: 0, phase: 'successful', observed: '0' });
    state = applyMeasurement(state, { check: 'http', at: 0, phase: 'failed', observed: '503' });
    expect(state.phase).toBe('failed');
    expect(state.reason).toMatch(/^check 'http'/);
  });

  test('an inconclusive check waits for the others, so a later failure still counts', () => {
    let state = two();
    state = applyMeasurement(state, { check: 'prom', at: 0, phase: 'inconclusive', observed: 'no series' });
    expect(state.phase).toBe('running');
    state = applyMeasurement(state, { check: 'http', at: 0, phase: 'failed', observed: '503' });
    expect(state.phase).toBe('failed');
  });

  test('inconclusive wins over successful when the window ends; error wins over inconclusive', () => {
    let state = two();
    state = applyMeasurement(state, { check: 'prom', at: 0, phase: 'inconclusive', observed: 'NaN' });
    state = applyMeasurement(state, { check: 'http', at: 0, phase: 'successful', observed: '200' });
    expect(endWindow(state).phase).toBe('inconclusive');

    let errored = initialAnalysisState([
      { name: 'a', policy: policy({ consecutiveErrorLimit: 0 }) },
      { name: 'b', policy: policy({ inconclusiveLimit: 0 }) },
    ]);
    errored = applyMeasurement(errored, { check: 'b', at: 0, phase: 'inconclusive', observed: 'NaN' });
    errored = applyMeasurement(errored, { check: 'a', at: 0, phase: 'error', observed: 'down' });
    expect(errored.phase).toBe('error');
  });

  test('successful only when every check passed', () => {
    let state = initialAnalysisState([
      { name: 'a', policy: policy({ consecutiveSuccesses: 1 }) },
      { name: 'b', policy: policy({ consecutiveSuccesses: 2 }) },
    ]);
    state = applyMeasurement(state, { check: 'a', at: 0, phase: 'successful', observed: '' });
    state = applyMeasurement(state, { check: 'b', at: 0, phase: 'successful', observed: '' });
    expect(state.phase).toBe('running');
    state = applyMeasurement(state, { check: 'b', at: 1, phase: 'successful', observed: '' });
    expect(state.phase).toBe('successful');
  });
});
