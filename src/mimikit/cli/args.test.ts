import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';

describe('parseArgs', () => {
  it('defaults, flags with values, and --flag=value', () => {
    expect(parseArgs([])).toEqual({ port: 8787, host: '127.0.0.1', workDir: '.mimikit', help: false });
    expect(parseArgs(['--port', '0', '--host=0.0.0.0', '--work-dir', '/tmp/w', '--config', 'c.yaml'])).toEqual({ port: 0, host: '0.0.0.0', workDir: '/tmp/w', configPath: 'c.yaml', help: false });
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it('rejects unknown arguments, missing values and bad ports with a message', () => {
    expect(() => parseArgs(['--prot', '1'])).toThrow(/unknown argument "--prot"/);
    expect(() => parseArgs(['--work-dir'])).toThrow(UsageError);
    expect(() => parseArgs(['--port', '70000'])).toThrow(/--port must be a number from 0 to 65535/);
  });
});
