import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('redacts secrets at the top level and one level down', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger({ name: 't', level: 'info', destination: sink as unknown as Parameters<typeof createLogger>[0]['destination'] });
    log.info({ apiKey: 'sk-top-secret', provider: { apiKey: 'sk-nested', access_token: 'tok' }, authorization: 'Bearer x' }, 'hello');
    const out = lines.join('');
    expect(out).toContain('hello');
    expect(out).not.toMatch(/sk-top-secret|sk-nested|"tok"|Bearer x/);
  });
});
