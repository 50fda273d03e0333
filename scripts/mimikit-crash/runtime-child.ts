/**
 * One runtime process of the crash harness: `runtime-child.ts <workDir>` with MIMIKIT_LLM_BASE_URL set.
 * Starts like the CLI's runtime process (config from the work dir → instance lock + stale file locks
 * cleared → model endpoint → Runtime), without HTTP: the harness talks over stdin/stdout, one JSON
 * object per line.
 *
 * stdin:  {"op":"input","tag":…,"text":…}  → stdout {"ev":"accepted","tag":…,"id":…} once durable
 *         {"op":"arm","trigger":Trigger}    → SIGKILLs itself when the trigger fires (see `Trigger`)
 * stdout: {"ev":"started","runtimeId":…,"clearedLocks":[…],"recovery":{…}}, {"ev":"dying","trigger":…}
 * SIGTERM: a clean stop (exit 0).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import pino from 'pino';
import { createLogger } from '../../src/shared/logger.js';
import { claimWorkDir } from '../../src/mimikit/cli/claim-work-dir.js';
import { openModelEndpoint } from '../../src/mimikit/cli/model-endpoint.js';
import { loadMimikitConfig } from '../../src/mimikit/config/index.js';
import { Runtime } from '../../src/mimikit/orchestrator/index.js';
import { StatePaths } from '../../src/mimikit/storage/index.js';
import { childCommandSchema, type Trigger } from './protocol.js';

const say = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(record)}\n`);

const workDir = process.argv[2];
if (!workDir) {
  process.stderr.write('usage: runtime-child.ts <workDir>\n');
  process.exit(2);
}

let armed: { trigger: Trigger; seen: number } | undefined;
/** Writes go to stdout synchronously (a pipe), so the harness reads `dying` before the exit. */
function die(trigger: Trigger): never {
  say({ ev: 'dying', trigger });
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}
/** The armed trigger's condition happened once more: die at its `nth` time (after `delayMs`). */
function hit(): void {
  if (!armed) return;
  const { trigger } = armed;
  if (++armed.seen < (trigger.nth ?? 1)) return;
  if (!trigger.delayMs) die(trigger);
  armed = undefined;
  setTimeout(() => die(trigger), trigger.delayMs);
}

// The runtime's log goes to log.jsonl as usual; each line is also matched against an armed `log` trigger,
// synchronously inside the logging call — so the process dies exactly at that line of the runtime code.
const paths = new StatePaths(path.resolve(workDir));
fs.mkdirSync(paths.root, { recursive: true });
const file = pino.destination({ dest: paths.logFile, sync: true });
const logger = createLogger({
  name: 'mimikit',
  level: 'debug',
  base: { schema: 'mimikit.log.v1' },
  destination: {
    write(line: string) {
      file.write(line);
      const trigger = armed?.trigger;
      if (trigger?.kind === 'log' && line.includes(`"msg":${JSON.stringify(trigger.msg)}`)) hit();
    },
  },
});

const { lock, clearedLocks } = await claimWorkDir(paths);
if (clearedLocks.length > 0) logger.warn({ locks: clearedLocks }, 'removed file locks left by a previous process');
const config = await loadMimikitConfig({ workDir: paths.root, env: process.env });
const endpoint = await openModelEndpoint(config, process.env, logger);
const runtime = await Runtime.open({ workDir: paths.root, config, model: endpoint.client, logger, managerRetry: { baseMs: 20, maxMs: 200 } });
runtime.events.subscribe(undefined, (event) => {
  const trigger = armed?.trigger;
  if (trigger?.kind === 'event' && event.kind === trigger.event) hit();
});
fs.watch(paths.workspaceDir, (_type, name) => {
  const trigger = armed?.trigger;
  if (trigger?.kind === 'file' && name === trigger.name) hit();
}).unref();

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await runtime.stop();
    await endpoint.close();
    await lock.release();
    file.flushSync();
    process.exit(0);
  })();
});

await runtime.start();
const r = runtime.recovery;
say({ ev: 'started', pid: process.pid, runtimeId: runtime.runtimeId, clearedLocks, recovery: { reapplied: r.reappliedBatches.length, finishedFromResults: r.finishedFromResults.length, interrupted: r.interrupted.length, pendingInputs: r.pendingInputs } });

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    raw = undefined;
  }
  const parsed = childCommandSchema.safeParse(raw);
  if (!parsed.success) return say({ ev: 'error', message: `bad command: ${line}` });
  const command = parsed.data;
  if (command.op === 'arm') {
    armed = { trigger: command.trigger, seen: 0 };
    return;
  }
  runtime.addInput({ text: command.text }).then(
    ({ id }) => say({ ev: 'accepted', tag: command.tag, id }),
    (e: unknown) => say({ ev: 'rejected', tag: command.tag, message: e instanceof Error ? e.message : String(e) }),
  );
});
