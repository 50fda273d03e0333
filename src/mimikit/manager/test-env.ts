/** A ManagerEnv over a temp work dir, for the manager's tests (the model is given by the test). */
import { ManualClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { loadMimikitConfig } from '../config/index.js';
import type { ChatModel } from '../llm/types.js';
import { inputPacketSchema, resultPacketSchema, type InputPacket, type ResultPacket } from '../model/index.js';
import { PROMPTS_DIR } from '../prompts/index.js';
import { HistoryStore, PacketQueue, PersonaStore, TraceWriter, type StatePaths } from '../storage/index.js';
import type { ManagerEnv } from './types.js';

export async function testEnv(paths: StatePaths, model: ChatModel = { chat: () => Promise.reject(new Error('no model in this test')) }): Promise<ManagerEnv & { clock: ManualClock }> {
  await paths.ensureLayout();
  return {
    paths,
    history: new HistoryStore(paths),
    inputs: new PacketQueue<InputPacket>(paths.inputsFile, inputPacketSchema),
    results: new PacketQueue<ResultPacket>(paths.resultsFile, resultPacketSchema),
    traces: new TraceWriter(paths),
    persona: new PersonaStore(paths),
    model,
    config: await loadMimikitConfig({ workDir: paths.root, env: {} }),
    clock: new ManualClock(Date.parse('2026-03-01T01:00:00.000Z')),
    logger: silentLogger(),
    promptsDir: PROMPTS_DIR,
  };
}

export function userPacket(id: string, text: string, createdAt = '2026-03-01T00:59:00.000Z', extra: Partial<InputPacket['payload']> = {}): InputPacket {
  return { id, createdAt, payload: { id, role: 'user', text, createdAt, wake: 'user_input', ...extra } };
}
