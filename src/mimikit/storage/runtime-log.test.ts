import { describe, expect, it } from 'vitest';
import { createRuntimeLogger, LOG_SCHEMA } from './runtime-log.js';
import { fileLines, useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();

describe('createRuntimeLogger', () => {
  it('writes JSON lines with the schema tag to log.jsonl and flushes on close', async () => {
    const paths = await newPaths();
    const { logger, close } = createRuntimeLogger(paths, 'info');
    logger.info({ event: 'started', provider: { apiKey: 'sk-secret' } }, 'runtime started');
    logger.child({ taskId: 't-1' }).warn({ event: 'task_retry' }, 'retrying');
    logger.debug('below the level');
    await close();
    const lines = (await fileLines(paths.logFile)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.schema === LOG_SCHEMA)).toBe(true);
    expect(lines[0]).toMatchObject({ level: 30, event: 'started', msg: 'runtime started', provider: { apiKey: '[redacted]' } });
    expect(lines[1]).toMatchObject({ level: 40, event: 'task_retry', taskId: 't-1' });
  });

  it('drops lines logged after close instead of throwing', async () => {
    const paths = await newPaths();
    const { logger, close } = createRuntimeLogger(paths);
    const child = logger.child({ a: 1 });
    logger.info('one');
    await close();
    await close(); // idempotent
    expect(() => {
      logger.info('late');
      child.error('late child');
    }).not.toThrow();
    expect(await fileLines(paths.logFile)).toHaveLength(1);
  });
});
