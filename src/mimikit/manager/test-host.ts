/** A ManagerHost that records what the manager tells it, over a snapshot saved to the temp work dir. */
import { saveSnapshot, type StatePaths } from '../storage/index.js';
import type { HistoryMessage, RuntimeSnapshot } from '../model/index.js';
import type { ManagerHost, PostCommitEffect, StreamEvent } from './types.js';

export interface RecordingHost extends ManagerHost {
  messages: HistoryMessage[];
  streams: StreamEvent[];
  effects: PostCommitEffect[];
  committed: Array<{ inputIds: readonly string[]; resultIds: readonly string[] }>;
  saves: number;
  running: boolean[];
}

export function recordingHost(paths: StatePaths, state: RuntimeSnapshot): RecordingHost {
  const host: RecordingHost = {
    state,
    consumed: new Set(),
    messages: [],
    streams: [],
    effects: [],
    committed: [],
    saves: 0,
    running: [],
    async saveSnapshot() {
      host.saves++;
      await saveSnapshot(paths, state);
    },
    onMessages: (m) => void host.messages.push(...m),
    onCommitted: (info) => void host.committed.push(info),
    setManagerRunning: (r) => void host.running.push(r),
    stream: (e) => void host.streams.push(e),
    runEffect: (e) => void host.effects.push(e),
  };
  return host;
}
