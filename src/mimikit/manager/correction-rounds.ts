/**
 * The model rounds of one batch. A reply with `query_history` gets the matches (`M:history_lookup`) and
 * is asked again (its text and other actions unused); a reply with invalid actions gets
 * `M:action_feedback` and is asked again. At most `manager.maxCorrectionRounds` extra rounds; then the
 * text is kept and the actions dropped. A context-length error compresses the context and retries once.
 */
import { isActionName, parseActionArgs, parseReply, validateActions, type FeedbackItem, type ManagerAction, type ParsedAction } from '../actions/index.js';
import { LlmError } from '../llm/types.js';
import { addUsage, type RuntimeSnapshot, type TokenUsage } from '../model/index.js';
import { HistoryQueryError } from '../storage/index.js';
import { callManagerModel } from './model-call.js';
import type { HistoryLookup } from './prompt-blocks.js';
import type { BuiltPrompt, RoundInputs } from './prompt-build.js';
import { VisibleTextStream } from './stream-filter.js';
import { iso } from './text.js';
import type { Batch, ManagerEnv, StreamEvent } from './types.js';

export const MAX_ACTIONS_PER_REPLY = 20;

export interface RoundsOutcome {
  text: string;
  actions: ManagerAction[];
  usage?: TokenUsage;
  /** Model rounds that produced a reply. */
  rounds: number;
  /** Set when the actions were dropped because the rounds ran out. */
  droppedNote?: string;
  /** The stream of the final round (ended once the reply is committed). */
  streamId: string;
}

export interface RoundsDeps {
  env: ManagerEnv;
  state: RuntimeSnapshot;
  batch: Batch;
  signal: AbortSignal;
  stream: (event: StreamEvent) => void;
  prompt: (round: RoundInputs) => Promise<BuiltPrompt>;
  /** Called once on a context-length error, before the retry (compression). */
  onContextLength: () => Promise<void>;
}

export async function runCorrectionRounds(deps: RoundsDeps): Promise<RoundsOutcome> {
  const { env, state, batch } = deps;
  const maxExtra = env.config.manager.maxCorrectionRounds;
  let feedback: FeedbackItem[] | undefined;
  let lookup: HistoryLookup | undefined;
  let budgetFactor = 1;
  let contextRetried = false;
  let usage: TokenUsage | undefined;
  let calls = 0;
  for (let round = 1; ; ) {
    const streamId = `${batch.id}-${++calls}`;
    const done = (finalText: string, actions: ManagerAction[], droppedNote?: string): RoundsOutcome => ({
      text: finalText, actions, rounds: round, streamId, ...(usage ? { usage } : {}), ...(droppedNote ? { droppedNote } : {}),
    });
    const built = await deps.prompt({ ...(feedback ? { feedback } : {}), ...(lookup ? { lookup } : {}), budgetFactor });
    const visible = new VisibleTextStream((delta) => deps.stream({ kind: 'delta', id: streamId, delta }));
    let text: string;
    try {
      const result = await callManagerModel(env, state.managerSessionId, {
        messages: built.messages, attempt: round === 1 ? 'primary' : 'feedback', signal: deps.signal, onTextDelta: (d) => visible.push(d),
      });
      usage = addUsage(usage, result.usage);
      text = result.text;
    } catch (e) {
      deps.stream({ kind: 'end', id: streamId, reason: 'failed' });
      if (e instanceof LlmError && e.kind === 'context_length' && !contextRetried) {
        contextRetried = true;
        budgetFactor = 0.5;
        await deps.onContextLength();
        continue;
      }
      throw e;
    }
    const parsed = parseReply(text);
    const last = round > maxExtra;
    const query = last ? undefined : validQuery(parsed.actions);
    if (query) {
      lookup = await runLookup(env, query);
      env.logger.info({ batchId: batch.id, round, query: lookup.query }, 'manager: history lookup round');
    } else {
      const { accepted, feedback: items } = validateActions(parsed.actions, {
        taskStatus: (id) => state.tasks.find((t) => t.id === id)?.status,
        cronJobEnabled: (id) => state.cronJobs.find((j) => j.id === id)?.enabled,
        now: new Date(env.clock.now()),
        maxActions: MAX_ACTIONS_PER_REPLY,
      });
      if (items.length === 0) return done(parsed.text, accepted);
      if (last) {
        env.logger.warn({ batchId: batch.id, rounds: round, feedback: items }, 'manager: correction rounds exhausted; actions dropped');
        return done(parsed.text, [], `Some actions of this reply could not be carried out (still invalid after ${maxExtra} correction round${maxExtra === 1 ? '' : 's'}) and were dropped: ${items.map((i) => i.action).join(', ')}.`);
      }
      feedback = items;
      env.logger.info({ batchId: batch.id, round, feedback: items.length }, 'manager: action feedback round');
    }
    deps.stream({ kind: 'end', id: streamId, reason: 'discarded' });
    round++;
  }
}

/** The first `query_history` of a reply when its arguments are valid (an invalid one goes to feedback). */
function validQuery(actions: readonly ParsedAction[]): ManagerAction | undefined {
  const first = actions.find((a) => a.name === 'query_history');
  if (!first || first.syntaxError !== undefined || !isActionName(first.name)) return undefined;
  const parsed = parseActionArgs(first.name, first.attrs, first.content);
  return parsed.ok ? { ...parsed.args, attrs: parsed.attrs, raw: first.raw } : undefined;
}

async function runLookup(env: ManagerEnv, action: ManagerAction): Promise<HistoryLookup> {
  if (action.name !== 'query_history') return { query: '', error: 'not a query' };
  try {
    const hits = await env.history.search({
      query: action.query,
      limit: action.limit,
      roles: action.roles,
      ...(action.beforeId !== undefined ? { beforeId: action.beforeId } : {}),
      ...(action.fromMs !== undefined ? { from: iso(action.fromMs) } : {}),
      ...(action.toMs !== undefined ? { to: iso(action.toMs) } : {}),
    });
    return { query: action.query, hits };
  } catch (e) {
    if (e instanceof HistoryQueryError) return { query: action.query, error: e.message };
    throw e;
  }
}
