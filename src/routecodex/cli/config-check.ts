import { loadConfig } from '../config/load.js';
import { parseCommonFlags } from './args.js';

/** `routecodex config check`: validates the config and prints the resolved routes. */
export async function runConfigCheck(argv: string[]): Promise<number> {
  const { flags } = parseCommonFlags(argv);
  const config = await loadConfig(flags.config ? { configPath: flags.config } : {});
  const out: string[] = [`config OK: ${config.source}`, `serverId: ${config.serverId}`];
  if (!config.configured) out.push('no provider configured (set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY, or write a config file)');
  for (const [route, pools] of config.routes) {
    out.push(`route ${route}:`);
    for (const pool of pools) {
      out.push(`  pool ${pool.id} (priority ${pool.priority}${pool.backup ? ', backup' : ''}):`);
      for (const t of pool.targets) out.push(`    ${t.name} -> ${t.providerKeys.join(', ')}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
