/**
 * `log.jsonl`: the runtime's structured log (pino JSON lines, each with `schema: 'mimikit.log.v1'`).
 * Asynchronous writes; `close()` flushes and closes the file, after which the logger is silent.
 */
import pino from 'pino';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { StatePaths } from './paths.js';

export const LOG_SCHEMA = 'mimikit.log.v1';

export interface RuntimeLogger {
  logger: Logger;
  /** Flushes pending lines and closes `log.jsonl` (idempotent). */
  close(): Promise<void>;
}

export function createRuntimeLogger(paths: StatePaths, level = 'info'): RuntimeLogger {
  const destination = pino.destination({ dest: paths.logFile, mkdir: true, sync: false });
  // A write error (disk full, directory removed by a reset) must not become an uncaught 'error' event.
  destination.on('error', (error: Error) => {
    process.stderr.write(`mimikit: cannot write ${paths.logFile}: ${error.message}\n`);
  });
  let closed = false;
  // Lines logged after close (also through child loggers) are dropped instead of throwing on a closed stream.
  const guarded = { write: (line: string) => void (closed || destination.write(line)) };
  const logger = createLogger({ name: 'mimikit', level, destination: guarded, base: { schema: LOG_SCHEMA } });
  let closing: Promise<void> | undefined;
  return {
    logger,
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        destination.once('close', () => resolve());
        destination.end();
      });
      return closing;
    },
  };
}
