/** One manager batch end to end: select, model rounds, plan, commit. Never throws: failures are outcomes. */
import { LlmError } from '../llm/types.js';
import { selectBatch } from './batch-select.js';
import { latestClient } from './client-clock.js';
import { commitBatch } from './commit.js';
import { compressContext } from './compress.js';
import { runCorrectionRounds } from './correction-rounds.js';
import { planActions } from './plan-actions.js';
import { buildManagerPrompt, gatherPromptContext } from './prompt-build.js';
import type { CreateDebouncer } from './task-keys.js';
import type { ManagerEnv, ManagerHost, PostCommitEffect } from './types.js';

export type BatchOutcome =
  | { kind: 'idle' }
  | { kind: 'committed'; batchId: string; effects: PostCommitEffect[] }
  | { kind: 'failed'; batchId: string; error: unknown; transient: boolean };

/** Worth retrying on a timer: the model endpoint was unreachable, overloaded or broke the stream; local I/O. */
export function isTransientFailure(error: unknown): boolean {
  return error instanceof LlmError ? error.transient || error.kind === 'aborted' : true;
}

export async function runBatch(env: ManagerEnv, host: ManagerHost, debouncer: CreateDebouncer, signal: AbortSignal): Promise<BatchOutcome> {
  const batch = await selectBatch(env, host).catch((error: unknown) => ({ error }));
  if (batch === undefined) return { kind: 'idle' };
  if ('error' in batch) return { kind: 'failed', batchId: '(select)', error: batch.error, transient: true };
  const started = env.clock.now();
  host.setManagerRunning(true);
  try {
    let context = await gatherPromptContext(env, host.state, batch);
    const exclude = new Set(batch.inputs.map((p) => p.id));
    const outcome = await runCorrectionRounds({
      env,
      state: host.state,
      batch,
      signal,
      stream: (event) => host.stream(event),
      prompt: async (round) => buildManagerPrompt(env, host.state, batch, context, round),
      onContextLength: async () => {
        try {
          if (await compressContext(env, host.state, { signal, exclude })) await host.saveSnapshot();
        } catch (e) {
          env.logger.warn({ err: e, batchId: batch.id }, 'manager: compression after a context-length error failed');
        }
        context = await gatherPromptContext(env, host.state, batch);
      },
    });
    const planned = planActions(outcome.actions, { state: host.state, debouncer, nowMs: env.clock.now(), batch });
    for (const d of planned.dropped) env.logger.info({ batchId: batch.id, ...d }, 'manager: create_task dropped');
    const effects = await commitBatch(env, host, {
      batch,
      outcome,
      planned,
      elapsedMs: env.clock.now() - started,
      timeZone: latestClient(batch.inputs, host.state.lastClient)?.timeZone,
    });
    debouncer.remember(planned.debounceKeys, env.clock.now());
    env.logger.info({ batchId: batch.id, inputs: batch.inputs.length, results: batch.results.length, actions: planned.record.length, rounds: outcome.rounds }, 'manager: batch committed');
    return { kind: 'committed', batchId: batch.id, effects };
  } catch (error) {
    return { kind: 'failed', batchId: batch.id, error, transient: isTransientFailure(error) };
  } finally {
    host.setManagerRunning(false);
  }
}
