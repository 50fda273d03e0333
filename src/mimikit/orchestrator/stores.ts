/** The state directory's stores for one runtime, all reporting corrupt lines to the log. */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { inputPacketSchema, resultPacketSchema, type InputPacket, type ResultPacket } from '../model/index.js';
import { HistoryStore, PacketQueue, PersonaStore, ProgressStore, TaskArchiveStore, TaskLog, TraceWriter, type CorruptLine, type StatePaths } from '../storage/index.js';

export interface RuntimeStores {
  paths: StatePaths;
  history: HistoryStore;
  inputs: PacketQueue<InputPacket>;
  results: PacketQueue<ResultPacket>;
  archives: TaskArchiveStore;
  traces: TraceWriter;
  progress: ProgressStore;
  persona: PersonaStore;
  taskLog: TaskLog;
}

export function createStores(paths: StatePaths, clock: Clock, logger: Logger): RuntimeStores {
  const onCorrupt = (info: CorruptLine) => logger.warn({ file: info.file, line: info.line, preview: info.preview, error: info.error }, 'skipped a corrupt line');
  return {
    paths,
    history: new HistoryStore(paths, { onCorrupt }),
    inputs: new PacketQueue<InputPacket>(paths.inputsFile, inputPacketSchema, { onCorrupt }),
    results: new PacketQueue<ResultPacket>(paths.resultsFile, resultPacketSchema, { onCorrupt }),
    archives: new TaskArchiveStore(paths),
    traces: new TraceWriter(paths),
    progress: new ProgressStore(paths, { clock, onCorrupt }),
    persona: new PersonaStore(paths, { clock }),
    taskLog: new TaskLog(paths, { clock, onCorrupt }),
  };
}
