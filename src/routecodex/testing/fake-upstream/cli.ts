/**
 * Command line: `fake-upstream [--port N] [--host H] [--latency-ms N] [--script FILE]` (FILE is JSON or
 * YAML). Prints `fake upstream listening on <url>` and runs until SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { parseWithSchema, readStructuredFile } from '../../../shared/config-file.js';
import { parsePort } from '../../../shared/net.js';
import { FakeScriptSchema } from './script.js';
import { startFakeUpstream } from './server.js';
import type { FakeUpstream, FakeUpstreamOptions } from './types.js';

export const FAKE_UPSTREAM_USAGE = 'usage: fake-upstream [--port N] [--host H] [--latency-ms N] [--script FILE]';

export interface FakeUpstreamCliArgs {
  port?: number;
  host?: string;
  latencyMs?: number;
  scriptFile?: string;
}

function usageError(message: string): Error {
  return new Error(`${message}\n${FAKE_UPSTREAM_USAGE}`);
}

export function parseFakeUpstreamArgs(argv: string[]): FakeUpstreamCliArgs {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'latency-ms': { type: 'string' },
        script: { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw usageError((e as Error).message);
  }
  const out: FakeUpstreamCliArgs = {};
  if (values.port !== undefined) {
    const port = parsePort(values.port);
    if (port === undefined) throw usageError(`invalid --port: ${values.port}`);
    out.port = port;
  }
  if (values.host !== undefined) out.host = values.host;
  const latency = values['latency-ms'];
  if (latency !== undefined) {
    if (!/^\d+$/.test(latency)) throw usageError(`invalid --latency-ms: ${latency}`);
    out.latencyMs = Number(latency);
  }
  if (values.script !== undefined) out.scriptFile = values.script;
  return out;
}

/** Parses the arguments, loads the script file if any, and starts the server. */
export async function startFakeUpstreamFromArgs(argv: string[]): Promise<FakeUpstream> {
  const args = parseFakeUpstreamArgs(argv);
  const options: FakeUpstreamOptions = {};
  if (args.port !== undefined) options.port = args.port;
  if (args.host !== undefined) options.host = args.host;
  if (args.latencyMs !== undefined) options.latencyMs = args.latencyMs;
  if (args.scriptFile !== undefined) {
    options.script = parseWithSchema(FakeScriptSchema, await readStructuredFile(args.scriptFile), args.scriptFile);
  }
  return startFakeUpstream(options);
}

/**
 * Starts the fake upstream and returns once it listens; the server then keeps the process alive until
 * SIGINT or SIGTERM closes it.
 */
export async function runFakeUpstreamCli(argv: string[]): Promise<void> {
  const upstream = await startFakeUpstreamFromArgs(argv);
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void upstream.close().then(() => process.stderr.write('fake upstream stopped\n'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`fake upstream listening on ${upstream.url}\n`);
}
