/** What the manager needs: its stores and model (`ManagerEnv`), and the runtime that owns the state (`ManagerHost`). */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { MimikitConfig } from '../config/index.js';
import type { ChatModel } from '../llm/types.js';
import type { CancelInfo, HistoryMessage, InputPacket, ResultPacket, RuntimeSnapshot, WakeSource } from '../model/index.js';
import type { HistoryStore, PacketQueue, PersonaStore, StatePaths, TraceWriter } from '../storage/index.js';

export interface ManagerEnv {
  paths: StatePaths;
  history: HistoryStore;
  inputs: PacketQueue<InputPacket>;
  results: PacketQueue<ResultPacket>;
  traces: TraceWriter;
  persona: PersonaStore;
  model: ChatModel;
  config: MimikitConfig;
  clock: Clock;
  logger: Logger;
  promptsDir: string;
}

/** The streamed reply of one model round: visible text only. */
export type StreamEvent =
  | { kind: 'delta'; id: string; delta: string }
  | { kind: 'end'; id: string; reason: 'committed' | 'discarded' | 'failed'; messageId?: string };

/** Work the runtime does once a batch is durable (never before: a crash must not leave effects of an uncommitted batch). */
export type PostCommitEffect =
  | { kind: 'start_task'; taskId: string }
  | { kind: 'cancel_task'; taskId: string; info: CancelInfo }
  | { kind: 'schedule_changed' }
  | { kind: 'compress' }
  | { kind: 'restart' };

export interface ManagerHost {
  /** The live state. The manager changes it only while committing a batch. */
  readonly state: RuntimeSnapshot;
  /** Input and result packet ids already answered (by a committed batch, found by recovery or in this process). */
  readonly consumed: Set<string>;
  saveSnapshot(): Promise<void>;
  /** History lines that just became durable. */
  onMessages(messages: readonly HistoryMessage[]): void;
  /** The batch is committed: its inputs are answered, its tasks may have changed. */
  onCommitted(info: { inputIds: readonly string[]; resultIds: readonly string[]; changedTaskIds: readonly string[]; wake: readonly WakeSource[] }): void;
  setManagerRunning(running: boolean): void;
  stream(event: StreamEvent): void;
  runEffect(effect: PostCommitEffect): void;
}

/** One manager batch: everything pending past the cursors, minus what is already answered. */
export interface Batch {
  /** `b<number>`. */
  id: string;
  number: number;
  inputs: InputPacket[];
  results: ResultPacket[];
  /** Cursors once the batch is committed: every packet read, the skipped duplicates included. */
  inputsEnd: number;
  resultsEnd: number;
  wake: WakeSource[];
}

export const batchIdOf = (n: number) => `b${n}`;

/** The number of a batch id (`b12` → 12); 0 for anything else (so an unknown id is never "newer"). */
export function batchNumber(id: string | undefined): number {
  const m = id === undefined ? null : /^b(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}
