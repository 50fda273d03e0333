/**
 * A session's routing state, in one schema: what routing instructions set (sticky target, allow and
 * disable lists, stopMessage) and the automatic affinity pins. Persisted by the RoutingStateManager.
 */
import { z } from 'zod';

/** A reference to providers/keys/models as written in an instruction, resolved against the config when used. */
export const keyRefSchema = z
  .object({
    provider: z.string().min(1),
    /** A key alias (`provider.alias`). */
    alias: z.string().optional(),
    /** A 1-based key index (`provider.N`). */
    index: z.number().int().positive().optional(),
  })
  .strict();
export type KeyRef = z.infer<typeof keyRefSchema>;

export const modelRefSchema = z.object({ provider: z.string().min(1), model: z.string().min(1) }).strict();
export type ModelRef = z.infer<typeof modelRefSchema>;

/** A sticky target: a model on all keys, a model on one key, or one key (any model). */
export const stickyTargetSchema = z
  .object({
    provider: z.string().min(1),
    model: z.string().optional(),
    alias: z.string().optional(),
    index: z.number().int().positive().optional(),
    /** The tag text, for display. */
    name: z.string(),
  })
  .strict();
export type StickyTarget = z.infer<typeof stickyTargetSchema>;

export const stopMessageStateSchema = z
  .object({
    text: z.string().min(1),
    maxRepeats: z.number().int().positive(),
    used: z.number().int().nonnegative(),
    updatedAt: z.number(),
    lastUsedAt: z.number().optional(),
  })
  .strict();
export type StopMessageState = z.infer<typeof stopMessageStateSchema>;

export const sessionRoutingStateSchema = z
  .object({
    version: z.literal(1),
    sessionId: z.string().min(1),
    stickyTarget: stickyTargetSchema.optional(),
    allowedProviders: z.array(z.string()).optional(),
    disabled: z
      .object({
        providers: z.array(z.string()),
        keys: z.array(keyRefSchema),
        models: z.array(modelRefSchema),
      })
      .strict(),
    /** The target the latest turn forced (force applies to that turn only). */
    forcedTarget: z.string().optional(),
    /** Automatic affinity: route name → the providerKey this session last succeeded on. */
    pins: z.record(z.string(), z.string()),
    stopMessage: stopMessageStateSchema.optional(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .strict();
export type SessionRoutingState = z.infer<typeof sessionRoutingStateSchema>;

export function emptySessionState(sessionId: string, now: number): SessionRoutingState {
  return { version: 1, sessionId, disabled: { providers: [], keys: [], models: [] }, pins: {}, createdAt: now, updatedAt: now };
}

/** True when the state holds nothing worth keeping. */
export function isEmptySessionState(s: SessionRoutingState): boolean {
  return (
    !s.stickyTarget &&
    !s.allowedProviders &&
    s.disabled.providers.length === 0 &&
    s.disabled.keys.length === 0 &&
    s.disabled.models.length === 0 &&
    !s.stopMessage &&
    Object.keys(s.pins).length === 0
  );
}

/**
 * Where session states live. `get` may hit a backing store (a file, Redis); implementations keep a
 * local copy so repeated reads are cheap. Every change is an `update`: an atomic read-modify-write of
 * one session (changes to one session are applied one after the other, never lost).
 */
export interface SessionStore {
  get(sessionId: string): Promise<SessionRoutingState | undefined>;
  /**
   * Applies `change` to the current state (undefined when there is none) and stores the result;
   * returning undefined (or an empty state) removes the session; returning `current` itself writes nothing.
   */
  update(sessionId: string, change: (current: SessionRoutingState | undefined) => SessionRoutingState | undefined): Promise<SessionRoutingState | undefined>;
}

/** An empty state is not kept: the change's result, normalized. */
export function keptState(state: SessionRoutingState | undefined): SessionRoutingState | undefined {
  return state && !isEmptySessionState(state) ? state : undefined;
}

export class MemorySessionStore implements SessionStore {
  private readonly states = new Map<string, SessionRoutingState>();
  async get(sessionId: string): Promise<SessionRoutingState | undefined> {
    return this.states.get(sessionId);
  }
  async update(sessionId: string, change: (current: SessionRoutingState | undefined) => SessionRoutingState | undefined): Promise<SessionRoutingState | undefined> {
    // Synchronous between the read and the write: nothing can interleave.
    const current = this.states.get(sessionId);
    const next = change(current);
    if (next === current) return current;
    const kept = keptState(next);
    if (kept) this.states.set(sessionId, kept);
    else this.states.delete(sessionId);
    return kept;
  }
}
