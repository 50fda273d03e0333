/**
 * The manager prompt, rebuilt for every call from the state (stateless calls): a system message
 * (`prompts/manager/system.md` with persona, user profile and environment) and a user message with the
 * batch's data blocks, fitted under `manager.prompt.maxTokens`. Over budget, blocks go in the order of
 * docs/mimikit-design.md: history lookup, tasks, recent history (oldest first), results' outputs (cut),
 * compressed context.
 */
import { block, environmentBlock, fitToBudget, estimateTokens, renderPrompt, type BudgetSection } from '../prompts/index.js';
import { renderActionFeedback, type FeedbackItem } from '../actions/index.js';
import { visibleToAgent, type HistoryMessage, type RuntimeSnapshot } from '../model/index.js';
import type { ChatMessage } from '../llm/types.js';
import { clientNowIso, latestClient } from './client-clock.js';
import { historyLookupBlock, inputsBlock, recentHistoryBlock, resultsBlock, type HistoryLookup, type QuotedMessage } from './prompt-blocks.js';
import { tasksBlock } from './task-window.js';
import type { Batch, ManagerEnv } from './types.js';

/** How many agent-visible messages are read for `M:recent_history` before the budget cuts them. */
export const RECENT_HISTORY_MESSAGES = 60;

export interface PromptContext {
  persona: string;
  userProfile: string;
  /** Agent-visible history before the batch, after the compressed part, oldest first. */
  recent: HistoryMessage[];
  quotes: Map<string, QuotedMessage>;
}

export interface RoundInputs {
  feedback?: readonly FeedbackItem[];
  lookup?: HistoryLookup;
  /** < 1 after a context-length error: the model's window is smaller than the configured budget. */
  budgetFactor?: number;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  tokens: number;
  dropped: string[];
  truncated: string[];
  overBudget: boolean;
}

export async function gatherPromptContext(env: ManagerEnv, state: RuntimeSnapshot, batch: Batch): Promise<PromptContext> {
  const batchIds = new Set(batch.inputs.map((p) => p.id));
  const [persona, userProfile, newestFirst] = await Promise.all([
    env.persona.readPersona(),
    env.persona.readUserProfile(),
    env.history.readRecent({ limit: RECENT_HISTORY_MESSAGES, filter: (m) => visibleToAgent(m) && !batchIds.has(m.id) }),
  ]);
  const upTo = state.compressedContext?.upToMessageId;
  const cut = upTo === undefined ? -1 : newestFirst.findIndex((m) => m.id === upTo);
  const recent = (cut >= 0 ? newestFirst.slice(0, cut) : newestFirst).reverse();
  return { persona, userProfile, recent, quotes: await resolveQuotes(env, batch) };
}

async function resolveQuotes(env: ManagerEnv, batch: Batch): Promise<Map<string, QuotedMessage>> {
  const quotes = new Map<string, QuotedMessage>();
  const wanted = new Set(batch.inputs.flatMap((p) => (p.payload.quote !== undefined ? [p.payload.quote] : [])));
  for (const p of batch.inputs) {
    if (wanted.delete(p.id)) quotes.set(p.id, { role: p.payload.role, text: p.payload.text });
  }
  if (wanted.size === 0) return quotes;
  for (const m of await env.history.readRecent({ limit: wanted.size, filter: (m) => wanted.has(m.id) })) quotes.set(m.id, { role: m.role, text: m.text });
  return quotes;
}

export function buildManagerPrompt(env: ManagerEnv, state: RuntimeSnapshot, batch: Batch, ctx: PromptContext, round: RoundInputs = {}): BuiltPrompt {
  const client = latestClient(batch.inputs, state.lastClient);
  const system = renderPrompt(
    'manager/system',
    {
      persona: block('persona', ctx.persona),
      user_profile: block('user_profile', ctx.userProfile),
      environment: environmentBlock({ workDir: env.paths.root, clientTimeZone: client?.timeZone, clientNowIso: clientNowIso(client, env.clock.now()), wake: batch.wake }),
    },
    env.promptsDir,
  );
  const sections: BudgetSection[] = [
    { name: 'compressed_context', text: block('compressed_context', state.compressedContext?.text), dropOrder: 5 },
    { name: 'recent_history', text: recentHistoryBlock(ctx.recent), dropOrder: 3, truncatable: true },
    { name: 'tasks', text: tasksBlock(state, env.config.manager.taskWindow), dropOrder: 2 },
    { name: 'results', text: resultsBlock(batch.results, state.tasks), dropOrder: 4, truncatable: true },
    { name: 'history_lookup', text: historyLookupBlock(round.lookup), dropOrder: 1 },
    { name: 'inputs', text: inputsBlock(batch.inputs, ctx.quotes), truncatable: true },
    { name: 'action_feedback', text: block('action_feedback', renderActionFeedback(round.feedback ?? [])) },
  ];
  const budget = Math.floor(env.config.manager.prompt.maxTokens * (round.budgetFactor ?? 1)) - estimateTokens(system);
  const fitted = fitToBudget(sections, Math.max(0, budget));
  const user = fitted.text === '' ? '(nothing new)' : fitted.text;
  return {
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    tokens: estimateTokens(system) + fitted.tokens,
    dropped: fitted.dropped,
    truncated: fitted.truncated,
    overBudget: fitted.overBudget,
  };
}
