/**
 * Where a cycle kills the runtime, and the work it sends first. Exact points come from triggers inside
 * the child (a log line of the runtime code, a bus event, the tool's side-effect file); the others are
 * the harness's own SIGKILL after an acknowledgement or a random delay.
 */
import type { Trigger } from './protocol.js';

export const KILL_KINDS = [
  'startup', // random delay after spawn: module load, instance lock, recovery, first batches
  'after-accept', // right after an input is acknowledged (durable)
  'manager-stream', // in the middle of the manager's model stream
  'reply-appended', // the batch's reply is in history; actions not applied, snapshot not written
  'tool-run', // a worker's shell command is running (its side effect already happened)
  'result-appended', // a task result is in results/; the task is not marked finished in the snapshot
  'cron-fired', // a cron input is appended; the job's lastTriggeredAt is not persisted
  'idle-fired', // an idle input is appended; the fired window is not persisted
  'compaction', // a queue file was truncated; the snapshot still has the old cursor
  'random', // a random delay while a job and a chat message are in flight
  'during-stop', // SIGTERM (clean stop under way), then SIGKILL
] as const;
export type KillKind = (typeof KILL_KINDS)[number];

export type Send = 'job' | 'chat' | 'remind';

export interface KillPlan {
  kind: KillKind;
  send: Send[];
  /** Chat messages sent first (compaction needs 100 consumed packets). */
  fillers: number;
  trigger?: Trigger;
  /** Harness-side kill: on the first acknowledgement, or after `delayMs` (with `sigtermGraceMs`: SIGTERM then, SIGKILL that much later). */
  killAfter?: { accept: true } | { delayMs: number; sigtermGraceMs?: number };
}

/** mulberry32: the same seed gives the same run plan (timing aside). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Whether this cycle kills during start-up (decided before the runtime is started). */
export function planStartup(random: () => number, typicalStartMs: number): KillPlan | undefined {
  if (random() >= 1 / KILL_KINDS.length) return undefined;
  return { kind: 'startup', send: [], fillers: 0, killAfter: { delayMs: Math.round(typicalStartMs * (0.2 + random() * 1.1)) } };
}

/** The kill point of a started, drained runtime whose inputs queue holds `inputsInQueue` packets. */
export function planKill(random: () => number, inputsInQueue: number): KillPlan {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const jobOrChat = (): Send[] => [random() < 0.7 ? 'job' : 'chat'];
  // From 95 packets on, the runtime may compact on its own before the trigger is armed: leave it be.
  if (inputsInQueue >= 60 && inputsInQueue < 95 && random() < 0.5) {
    return { kind: 'compaction', send: [], fillers: Math.max(0, 101 - inputsInQueue), trigger: { kind: 'log', msg: 'manager: queue compacted' } };
  }
  const kinds = KILL_KINDS.filter((k) => k !== 'compaction' && k !== 'startup');
  const kind = kinds[int(0, kinds.length - 1)] as KillKind;
  switch (kind) {
    case 'after-accept':
      return { kind, send: jobOrChat(), fillers: 0, killAfter: { accept: true } };
    case 'manager-stream':
      return { kind, send: jobOrChat(), fillers: 0, trigger: { kind: 'event', event: 'stream', nth: int(1, 4) } };
    case 'reply-appended':
      return { kind, send: jobOrChat(), fillers: 0, trigger: { kind: 'log', msg: 'manager: reply appended' } };
    case 'tool-run':
      return { kind, send: ['job'], fillers: 0, trigger: { kind: 'file', name: 'side-effects.log', delayMs: int(0, 250) } };
    case 'result-appended':
      return { kind, send: ['job'], fillers: 0, trigger: { kind: 'log', msg: 'task: result appended' } };
    case 'cron-fired':
      return { kind, send: random() < 0.5 ? ['remind'] : [], fillers: 0, trigger: { kind: 'log', msg: 'cron: fired' } };
    case 'idle-fired':
      return { kind, send: [], fillers: 0, trigger: { kind: 'log', msg: 'idle: fired' } };
    case 'random':
      return { kind, send: ['job', 'chat'], fillers: 0, killAfter: { delayMs: int(0, 1_500) } };
    case 'during-stop':
      return { kind, send: ['job', 'chat'], fillers: 0, killAfter: { delayMs: int(0, 400), sigtermGraceMs: int(0, 80) } };
    case 'startup':
    case 'compaction':
      throw new Error('unreachable');
  }
}
