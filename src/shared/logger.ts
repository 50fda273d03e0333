/** Structured JSON logging (pino). Both programs log through this; tests pass `level: 'silent'`. */
import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Where lines go: a pino destination; stdout by default. */
  destination?: DestinationStream;
  /** Fields added to every line. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    {
      name: options.name,
      level,
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets never reach a log line, whatever a caller passes in.
      redact: {
        paths: [
          'apiKey', 'api_key', 'authorization', 'access_token', 'refresh_token', 'secret',
          '*.apiKey', '*.api_key', '*.authorization', '*.Authorization', '*.access_token', '*.refresh_token', '*.secret',
          'headers["x-api-key"]', '*.headers["x-api-key"]',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A masked preview of a secret: first 4 and last 2 characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '****';
  return `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}
