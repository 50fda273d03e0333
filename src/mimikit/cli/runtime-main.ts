/**
 * One runtime process (started by the supervisor): config → instance lock (+ removal of the file locks a
 * crashed predecessor left) → model endpoint → Runtime → HTTP. SIGINT/SIGTERM: stop (waits for the
 * in-flight batch, persists), release the lock, exit 0.
 * `restart` exits with the restart code; `reset` also empties the work dir first.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../shared/config-file.js';
import { isLoopbackHost } from '../../shared/net.js';
import { loadMimikitConfig } from '../config/index.js';
import { Runtime, type ExitReason } from '../orchestrator/index.js';
import { InstanceLockError, SnapshotError, StatePaths, createRuntimeLogger, type RuntimeLogger } from '../storage/index.js';
import { parseArgs, UsageError, USAGE } from './args.js';
import { claimWorkDir, type ClaimedWorkDir } from './claim-work-dir.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_RESTART, EXIT_USAGE } from './exit-codes.js';
import { openModelEndpoint, type ModelEndpoint } from './model-endpoint.js';
import { emptyWorkDir } from './reset.js';
import { startHttp, type HttpHandle } from './start-http.js';

/** An error the user can act on: printed as one line, no stack. */
class StartupFailure extends Error {}

const say = (line: string) => process.stderr.write(`mimikit: ${line}\n`);

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const workDir = path.resolve(args.workDir);
  const token = process.env.MIMIKIT_API_TOKEN?.trim() || undefined;
  if (!isLoopbackHost(args.host) && !token) throw new StartupFailure(`refusing to listen on ${args.host}: a non-loopback address needs MIMIKIT_API_TOKEN`);
  await fs.mkdir(workDir, { recursive: true });
  const config = await loadMimikitConfig({ workDir, configPath: args.configPath, env: process.env });
  const paths = new StatePaths(workDir);
  let stopping: Promise<void> | undefined;
  let exitCode = EXIT_OK;
  const { lock, clearedLocks, clearedTemps }: ClaimedWorkDir = await claimWorkDir(paths, {
    onTakeover: (previous, reason) => say(`took over a stale lock${previous ? ` of pid ${previous.pid}` : ''} (${reason})`),
    onLost: (reason) => {
      say(`the instance lock was lost (${reason}); stopping`);
      void shutdown(EXIT_FAILURE, false);
    },
  });
  let log: RuntimeLogger | undefined;
  let endpoint: ModelEndpoint | undefined;
  let runtime: Runtime | undefined;
  let server: HttpHandle | undefined;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  async function shutdown(code: number, reset: boolean): Promise<void> {
    stopping ??= (async () => {
      exitCode = code;
      await server?.close().catch(() => undefined);
      await runtime?.stop();
      await endpoint?.close().catch(() => undefined);
      await log?.close();
      if (reset) {
        try {
          await emptyWorkDir(workDir, [paths.instanceLockFile]);
          say(`work dir ${workDir} emptied`);
        } catch (e) {
          say(`reset failed: ${(e as Error).message}`);
        }
      }
      await lock.release().catch(() => undefined);
      finish(exitCode);
    })();
    return stopping;
  }

  // From here on a signal stops whatever is running (a signal during start-up is as safe as a crash).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(EXIT_OK, false));
  try {
    log = createRuntimeLogger(paths);
    if (clearedLocks.length > 0) log.logger.warn({ locks: clearedLocks }, 'removed file locks left by a previous process');
    if (clearedTemps.length > 0) log.logger.warn({ files: clearedTemps }, 'removed temp files of writes a previous process did not finish');
    endpoint = await openModelEndpoint(config, process.env, log.logger);
    runtime = await Runtime.open({ workDir, config, model: endpoint.client, logger: log.logger });
    runtime.onExit((reason: ExitReason) => void shutdown(EXIT_RESTART, reason === 'reset'));
    if (stopping) return done;
    await runtime.start();
    if (endpoint.hint) {
      say(endpoint.hint);
      log.logger.warn(endpoint.hint);
      await runtime.notify('no_model_provider', endpoint.hint);
    }
    server = await startHttp(runtime, { host: args.host, port: args.port, token, logger: log.logger.child({ component: 'http' }), setupHint: endpoint.hint });
    process.stdout.write(`mimikit runtime pid=${process.pid} id=${runtime.runtimeId} listening on ${server.url} (work dir ${workDir}, model endpoint ${endpoint.source})\n`);
  } catch (e) {
    await shutdown(EXIT_FAILURE, false);
    throw e;
  }
  return done;
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  process.exitCode = e instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  if (e instanceof UsageError) say(`${e.message}\n${USAGE}`);
  else if (e instanceof ConfigError) say(`invalid configuration — ${e.message}`);
  else if (e instanceof InstanceLockError || e instanceof SnapshotError || e instanceof StartupFailure) say(e.message);
  else say(`cannot start: ${(e as Error).message ?? String(e)}`);
}
// Whatever is left (sockets, timers) must not keep a stopped runtime alive.
process.exit(process.exitCode ?? EXIT_FAILURE);
