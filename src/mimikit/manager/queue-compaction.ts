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
    // A queue is compacted only once all of ≥ 100 packets are consumed, so a smaller cursor needs no read
    // (this runs after every batch; each check reads the whole file under its lock).
    if (queues.inputsCursor >= COMPACT_MIN_PACKETS && (await env.inputs.compactIfConsumed(queues.inputsCursor, COMPACT_MIN_PACKETS))) {
      env.logger.info({ queue: 'inputs', consumed: queues.inputsCursor }, 'manager: queue compacted');
      queues.inputsCursor = 0;
      changed = true;
    }
    if (queues.resultsCursor >= COMPACT_MIN_PACKETS && (await env.results.compactIfConsumed(queues.resultsCursor, COMPACT_MIN_PACKETS))) {
      env.logger.info({ queue: 'results', consumed: queues.resultsCursor }, 'manager: queue compacted');
      queues.resultsCursor = 0;
      changed = true;
    }
    if (changed) await host.saveSnapshot();
  } catch (e) {
    env.logger.error({ err: e }, 'manager: queue compaction failed');
  }
}
