/**
 * The next batch: every input past `inputsCursor` and every result past `resultsCursor`, each id once,
 * minus the ids already answered (a cron fire repeated after a crash has the same id). Packets that are
 * only duplicates still move the cursors, so they are not read again.
 */
import type { InputPacket, ResultPacket, WakeSource } from '../model/index.js';
import { batchIdOf, type Batch, type ManagerEnv, type ManagerHost } from './types.js';

function fresh<T extends { id: string }>(packets: readonly T[], consumed: ReadonlySet<string>): T[] {
  const seen = new Set<string>();
  return packets.filter((p) => {
    if (seen.has(p.id) || consumed.has(p.id)) return false;
    seen.add(p.id);
    return true;
  });
}

function wakeOf(inputs: readonly InputPacket[], results: readonly ResultPacket[]): WakeSource[] {
  const wake = new Set<WakeSource>(inputs.map((p) => p.payload.wake));
  if (results.length > 0) wake.add('task_result');
  return [...wake];
}

/** Reads the queues; undefined when there is nothing to answer (cursors over duplicates are advanced and saved). */
export async function selectBatch(env: Pick<ManagerEnv, 'inputs' | 'results'>, host: Pick<ManagerHost, 'state' | 'consumed' | 'saveSnapshot'>): Promise<Batch | undefined> {
  const { queues } = host.state;
  const [inRead, resRead] = await Promise.all([env.inputs.readFrom(queues.inputsCursor), env.results.readFrom(queues.resultsCursor)]);
  const inputs = fresh(inRead.packets, host.consumed);
  const results = fresh(resRead.packets, host.consumed);
  if (inputs.length === 0 && results.length === 0) {
    if (inRead.total !== queues.inputsCursor || resRead.total !== queues.resultsCursor) {
      queues.inputsCursor = inRead.total;
      queues.resultsCursor = resRead.total;
      await host.saveSnapshot();
    }
    return undefined;
  }
  const number = host.state.managerTurn + 1;
  return { id: batchIdOf(number), number, inputs, results, inputsEnd: inRead.total, resultsEnd: resRead.total, wake: wakeOf(inputs, results) };
}
