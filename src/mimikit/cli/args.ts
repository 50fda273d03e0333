/** `mimikit [--port 8787] [--host 127.0.0.1] [--work-dir .mimikit] [--config FILE]` */
import { parsePort } from '../../shared/net.js';

export interface CliArgs {
  port: number;
  host: string;
  workDir: string;
  configPath?: string;
  help: boolean;
}

export const USAGE = `usage: mimikit [--port 8787] [--host 127.0.0.1] [--work-dir .mimikit] [--config FILE]
  --port      HTTP port of the WebUI and API (0 = any free port)
  --host      address to listen on; a non-loopback address needs MIMIKIT_API_TOKEN
  --work-dir  the state directory (created if missing)
  --config    a config file (YAML or JSON) instead of <work-dir>/config.yaml
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { port: 8787, host: '127.0.0.1', workDir: '.mimikit', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port':
      case '-p': {
        const v = value();
        const port = parsePort(v);
        if (port === undefined) throw new UsageError(`--port must be a number from 0 to 65535, got ${JSON.stringify(v)}`);
        out.port = port;
        break;
      }
      case '--host':
        out.host = value();
        break;
      case '--work-dir':
        out.workDir = value();
        break;
      case '--config':
        out.configPath = value();
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return out;
}
