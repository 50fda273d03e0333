/** The Runtime's public read shapes (what the HTTP API serves and the event bus carries). */
import type { CancelInfo, ClientInfo, HistoryMessage, TaskProfile, TaskStatus, TokenUsage } from '../model/index.js';

/** A chat message: a history message without its internal batch record; `pending` = accepted, not yet answered. */
export type ChatMessageView = Omit<HistoryMessage, 'batch'> & { pending?: true };

export interface TaskView {
  id: string;
  kind: 'task' | 'cron';
  /** Cron jobs: enabled → pending, completed → succeeded, canceled → canceled, invalid → failed. */
  status: TaskStatus;
  profile: TaskProfile;
  title: string;
  prompt: string;
  createdAt: string;
  /** The latest of created/started/completed/last triggered. */
  changedAt: string;
  startedAt?: string;
  completedAt?: string;
  durationMs?: number;
  attempts?: number;
  usage?: TokenUsage;
  archivePath?: string;
  cancel?: CancelInfo;
  /** Cron jobs only. */
  schedule?: {
    cron?: string;
    scheduledAt?: string;
    timeZone?: string;
    enabled: boolean;
    disabledReason?: 'canceled' | 'completed' | 'invalid';
    lastTriggeredAt?: string;
    nextRunAt?: string;
    catchUps?: number;
  };
}

export interface TaskCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  canceled: number;
}

export interface RuntimeStatus {
  runtimeId: string;
  /** `running` while the manager answers or any task runs. */
  agentStatus: 'idle' | 'running';
  managerRunning: boolean;
  /** Accepted inputs not answered yet. */
  pendingInputs: number;
  tasks: TaskCounts;
  maxWorkers: number;
  /** When this runtime was opened (ISO). */
  startedAt: string;
}

export type RuntimeEventBody =
  /** A history message became durable (only messages the user may see). */
  | { kind: 'message'; message: ChatMessageView }
  /** An input was accepted (shown at once, `pending: true`). */
  | { kind: 'input'; message: ChatMessageView }
  | { kind: 'task'; task: TaskView }
  | { kind: 'status'; status: RuntimeStatus }
  /** Visible text of the manager's reply while it streams (not kept in the replay buffer). */
  | { kind: 'stream'; id: string; delta: string }
  /** The stream is over: `committed` → the message `messageId` carries the final text; otherwise drop it. */
  | { kind: 'stream_end'; id: string; reason: 'committed' | 'discarded' | 'failed'; messageId?: string }
  /** The subscriber asked for events this bus no longer has (or never had): reload the state. */
  | { kind: 'resync' };

export type RuntimeEvent = RuntimeEventBody & { seq: number; at: string };

export interface AddInputRequest {
  text: string;
  /** Id of a message the user quotes. */
  quote?: string;
  client?: ClientInfo;
}

export type CancelResult = 'canceled' | 'not_found' | 'already_done' | 'already_canceled';
export type ExitReason = 'restart' | 'reset';

export function toChatMessage(m: HistoryMessage): ChatMessageView {
  const { batch: _batch, ...rest } = m;
  return rest;
}
