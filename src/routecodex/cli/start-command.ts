import { startRouteCodex } from '../start.js';
import { parseCommonFlags } from './args.js';

/** `routecodex start`: runs in the foreground until SIGINT/SIGTERM. */
export async function runStart(argv: string[]): Promise<number> {
  const { flags } = parseCommonFlags(argv);
  const server = await startRouteCodex({
    ...(flags.config ? { configPath: flags.config } : {}),
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.port !== undefined ? { port: flags.port } : {}),
  });
  process.stdout.write(`routecodex listening on ${server.url} (config: ${server.config.source}, serverId: ${server.config.serverId})\n`);
  if (!server.config.configured) {
    process.stdout.write('no provider configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (or OPENAI_BASE_URL), or write $ROUTECODEX_HOME/config.yaml\n');
  }
  const stop = async (signal: string) => {
    process.stdout.write(`routecodex: ${signal}, shutting down\n`);
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return -1;
}
