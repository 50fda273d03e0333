import { parseArgs } from 'node:util';

export interface CommonFlags {
  config?: string;
  host?: string;
  port?: number;
  json: boolean;
}

/** Parses the flags shared by the commands; an unknown flag or bad port is an error that names it. */
export function parseCommonFlags(argv: string[]): { flags: CommonFlags; positionals: string[] } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const flags: CommonFlags = { json: values.json ?? false };
  if (values.config) flags.config = values.config;
  if (values.host) flags.host = values.host;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    flags.port = Number(values.port);
  }
  return { flags, positionals };
}
