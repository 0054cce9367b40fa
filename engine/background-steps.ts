/**
 * GitHub's parallel steps in a job: `background: true` steps start and the job goes on at once;
 * `wait`, `wait-all` and `cancel` steps synchronise with them; a `parallel` group runs its steps as
 * background steps and waits for all of them. Follows actions/runner's BackgroundStepCoordinator
 * (src/Runner.Worker/BackgroundStepCoordinator.cs) and the workflow syntax reference
 * (jobs.<job_id>.steps[*].background):
 * - at most 10 background steps run at once, the rest queue for a slot;
 * - a background step's outcome, conclusion, outputs and GITHUB_ENV/GITHUB_PATH changes reach the
 *   job only when a `wait`, `wait-all` or `cancel` covers it (the runner's deferred state);
 * - a `wait` fails when a step it waited for failed (after that step's own continue-on-error);
 * - `cancel` stops the step (SIGINT, SIGTERM, SIGKILL) and succeeds; the cancelled step concludes
 *   `cancelled` and does not count against the job;
 * - before post steps an implicit wait-all waits for whatever is still running, and a background
 *   step that failed fails the job even when no `wait` covered it.
 */
import type { Frame, JobRun } from './job-run.js';
import { backgroundStep, type DeferredEffects } from './step-process.js';
import type { SpecControl, StepSpec } from './step-spec.js';
import { announceEnd, continuesOnError, recordStep, runStep, type StepConclusion } from './steps.js';
import type { Conclusion } from './types.js';

/** GitHub's limit on background steps running at once in a job; more wait for a slot. */
const MAX_RUNNING = 10;

interface Entry {
  spec: StepSpec;
  name: string;
  controller: AbortController;
  effects: DeferredEffects;
  done: Promise<StepConclusion>;
  /** Recorded in the steps context (a wait, wait-all or cancel covered it). */
  flushed: boolean;
}

/** The job's background steps (only a job's own steps can be background steps, never a composite's). */
export class BackgroundSteps {
  private readonly entries: Entry[] = [];
  private readonly explicitlyCancelled = new Set<Entry>();
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly run: JobRun,
    private readonly frame: Frame,
  ) {}

  /** Start `spec`, whose `if:` passed, in the background; `conclude` runs it to its end. */
  start(spec: StepSpec, name: string, conclude: () => Promise<StepConclusion>): void {
    const controller = new AbortController();
    // A step started after the job was cancelled (an always() step) is not cancelled again.
    if (!this.run.signal.aborted)
      this.run.signal.addEventListener('abort', () => controller.abort(), { once: true });
    const effects: DeferredEffects = { signal: controller.signal, env: [], path: [] };
    const done = (async (): Promise<StepConclusion> => {
      if (!(await this.slot(controller.signal)))
        return { outcome: 'cancelled', conclusion: 'cancelled', outputs: {}, durationMs: 0 };
      try {
        this.run.shared.emit({ kind: 'step-start', job: this.run.input.displayName, step: name, text: name });
        this.run.log('Running in the background', name);
        const result = await backgroundStep.run(effects, conclude);
        announceEnd(this.run, name, result);
        return result;
      } finally {
        this.release();
      }
    })();
    this.entries.push({ spec, name, controller, effects, done, flushed: false });
  }

  /** Run a control step (`wait`, `wait-all`, `cancel`, `parallel`); records it like any step. */
  async control(
    spec: StepSpec,
    control: SpecControl,
    preState: Map<StepSpec, Record<string, string>>,
  ): Promise<void> {
    const started = Date.now();
    const env = this.run.envContext(this.frame);
    let name = spec.id;
    try {
      name = spec.name(this.run.scope(this.frame, env));
    } catch {
      // a name that does not evaluate falls back to the id
    }
    this.run.shared.emit({ kind: 'step-start', job: this.run.input.displayName, step: name, text: name });
    let outcome: Conclusion;
    switch (control.kind) {
      case 'wait':
        outcome = await this.waitFor(
          name,
          this.byIds(name, control.targets),
          'Waiting for background step(s) to complete',
        );
        break;
      case 'wait-all':
        outcome = await this.waitFor(
          name,
          this.unflushed(),
          'Waiting for all background step(s) to complete',
        );
        break;
      case 'cancel':
        outcome = await this.cancel(name, this.byIds(name, control.targets));
        break;
      case 'parallel': {
        const before = this.entries.length;
        for (const child of control.steps) await runStep(this.run, this.frame, child, preState, this);
        outcome = await this.waitFor(
          name,
          this.entries.slice(before),
          'Waiting for the parallel group to complete',
        );
        break;
      }
    }
    const continueOnError =
      outcome === 'failure' &&
      continuesOnError(this.run, this.frame, spec, env, { ...this.run.globalEnv }, {}, name);
    const result: StepConclusion = {
      outcome,
      conclusion: continueOnError ? 'success' : outcome,
      outputs: {},
      durationMs: Date.now() - started,
    };
    if (result.conclusion === 'failure') this.frame.status = 'failure';
    recordStep(this.run, this.frame, spec, name, result);
    announceEnd(this.run, name, result);
  }

  /**
   * The implicit wait-all before post steps; then the job's share of every background step: 'failure'
   * when one failed (cancelled by a `cancel:` step does not count), else 'success'.
   */
  async finish(): Promise<'success' | 'failure'> {
    const remaining = this.unflushed();
    if (remaining.length > 0) {
      const name = 'Wait for all background steps';
      this.run.shared.emit({ kind: 'step-start', job: this.run.input.displayName, step: name, text: name });
      const outcome = await this.waitFor(
        name,
        remaining,
        'Waiting for background step(s) still running at the end of the job',
      );
      announceEnd(this.run, name, { outcome, conclusion: outcome, outputs: {}, durationMs: 0 });
    }
    let failed = false;
    for (const entry of this.entries) if ((await entry.done).conclusion === 'failure') failed = true;
    return failed ? 'failure' : 'success';
  }

  /** Stop every background step still running (the job ended early). */
  stopAll(): void {
    for (const entry of this.entries) entry.controller.abort();
  }

  private byIds(name: string, ids: string[]): Entry[] {
    const found: Entry[] = [];
    for (const id of ids) {
      // The latest started step with that id (a step id is unique, but a skipped one never started).
      const entry = this.entries.findLast(
        (candidate) => candidate.spec.explicitId && candidate.spec.id === id,
      );
      if (entry) found.push(entry);
      else this.run.log(`'${id}' is not a background step that started; nothing to wait for`, name);
    }
    return found;
  }

  private unflushed(): Entry[] {
    return this.entries.filter((entry) => !entry.flushed);
  }

  private async waitFor(name: string, entries: Entry[], doing: string): Promise<Conclusion> {
    this.run.log(
      entries.length > 0 ? `${doing}: ${describe(entries)}` : 'No background steps to wait for.',
      name,
    );
    await Promise.all(entries.map((entry) => entry.done));
    return this.flush(name, entries);
  }

  private async cancel(name: string, entries: Entry[]): Promise<Conclusion> {
    this.run.log(`Cancelling background step(s): ${describe(entries)}`, name);
    for (const entry of entries) {
      this.explicitlyCancelled.add(entry);
      entry.controller.abort();
    }
    await Promise.all(entries.map((entry) => entry.done));
    await this.flush(name, entries);
    return 'success';
  }

  /**
   * Apply what the steps deferred (steps context, env, PATH), once per step, and report each; the
   * worst of their conclusions (failure over cancelled over success).
   */
  private async flush(name: string, entries: Entry[]): Promise<Conclusion> {
    let merged: Conclusion = 'success';
    for (const entry of entries) {
      const result = await entry.done;
      this.run.log(`  ${entry.name}: ${result.conclusion}`, name);
      if (!entry.flushed) {
        entry.flushed = true;
        for (const [key, value] of entry.effects.env) this.run.globalEnv[key] = value;
        for (const dir of entry.effects.path) this.run.prependPath(dir);
        recordStep(this.run, this.frame, entry.spec, entry.name, result);
      }
      if (result.conclusion === 'failure') merged = 'failure';
      else if (
        result.conclusion === 'cancelled' &&
        merged === 'success' &&
        !this.explicitlyCancelled.has(entry)
      )
        merged = 'cancelled';
    }
    return merged;
  }

  /** Wait for one of the 10 slots; false when the step was cancelled while it waited. */
  private async slot(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    if (this.running < MAX_RUNNING) {
      this.running++;
      return true;
    }
    return new Promise((resolve) => {
      const take = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.running++;
        resolve(true);
      };
      const onAbort = (): void => {
        this.queue.splice(this.queue.indexOf(take), 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(take);
    });
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.();
  }
}

function describe(entries: Entry[]): string {
  return entries.length > 0 ? entries.map((entry) => entry.name).join(', ') : '(none)';
}
