/**
 * Queue compaction (docs/mimikit-design.md §6): only when every packet is consumed and there are at least
 * 100, under the queue's lock: truncate, then persist cursor 0. A crash in between leaves a cursor past
 * the packet count, which the queue reads as "compacted".
 */
import type { ManagerEnv, ManagerHost } from './types.js';

export const COMPACT_MIN_PACKETS = 100;

export async function compactQueues(env: Pick<ManagerEnv, 'inputs' | 'results' | 'logger'>, host: Pick<ManagerHost, 'state' | 'saveSnapshot'>): Promise<void> {
  const { queues } = host.state;
  try {
    let changed = false;
    if (await env.inputs.compactIfConsumed(queues.inputsCursor, COMPACT_MIN_PACKETS)) {
      queues.inputsCursor = 0;
      changed = true;
    }
    if (await env.results.compactIfConsumed(queues.resultsCursor, COMPACT_MIN_PACKETS)) {
      queues.resultsCursor = 0;
      changed = true;
    }
    if (changed) await host.saveSnapshot();
  } catch (e) {
    env.logger.error({ err: e }, 'manager: queue compaction failed');
  }
}
