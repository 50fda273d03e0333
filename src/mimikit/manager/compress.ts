/**
 * Context compression: the model summarizes the older conversation (`prompts/manager/compress-context.md`,
 * folding in the previous summary); the summary is kept as `compressedContext` and the messages it covers
 * leave `M:recent_history`. The newest few messages are always kept verbatim.
 */
import { renderPrompt, truncateFromStart } from '../prompts/index.js';
import { visibleToAgent, type RuntimeSnapshot } from '../model/index.js';
import { callManagerModel } from './model-call.js';
import { clip, iso } from './text.js';
import type { ManagerEnv } from './types.js';

export const KEEP_RECENT_MESSAGES = 4;
const SCAN_MESSAGES = 400;
const MESSAGE_CHARS = 2_000;

export interface CompressOptions {
  signal: AbortSignal;
  /** Ids that are not history yet (the batch being answered). */
  exclude?: ReadonlySet<string>;
}

/** Updates `state.compressedContext`; false when there was nothing old enough to compress. The caller saves. */
export async function compressContext(env: ManagerEnv, state: RuntimeSnapshot, options: CompressOptions): Promise<boolean> {
  const newestFirst = await env.history.readRecent({ limit: SCAN_MESSAGES, filter: (m) => visibleToAgent(m) && !options.exclude?.has(m.id) });
  const upTo = state.compressedContext?.upToMessageId;
  const cut = upTo === undefined ? -1 : newestFirst.findIndex((m) => m.id === upTo);
  const uncompressed = cut >= 0 ? newestFirst.slice(0, cut) : newestFirst;
  const older = uncompressed.slice(KEEP_RECENT_MESSAGES).reverse();
  const newest = older.at(-1);
  if (!newest) return false;
  const lines = older.map((m) => `[${m.createdAt}] ${m.role} (${m.id}): ${clip(m.text, MESSAGE_CHARS)}`).join('\n');
  const maxBytes = Math.floor(env.config.manager.prompt.maxTokens * 4 * 0.7);
  const conversation = truncateFromStart(lines, maxBytes) ?? '';
  const prompt = renderPrompt('manager/compress-context', { conversation, compressed_context: state.compressedContext?.text }, env.promptsDir);
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(env.config.manager.session.compressTimeoutMs)]);
  const result = await callManagerModel(env, state.managerSessionId, { messages: [{ role: 'user', content: prompt }], attempt: 'normal', signal });
  const text = result.text.trim();
  if (text === '') throw new Error('the model wrote an empty summary');
  state.compressedContext = { text, upToMessageId: newest.id, createdAt: iso(env.clock.now()) };
  env.logger.info({ messages: older.length, upTo: newest.id }, 'manager: context compressed');
  return true;
}
