/**
 * A runtime process for the crash test: `crash-child.ts <workDir> <baseURL> <n inputs>`. Opens the work dir
 * (recovery), starts, adds n inputs and prints `accepted <id>` once each is durable. SIGTERM stops it cleanly.
 */
let stop: () => Promise<void> = async () => undefined;
process.on('SIGTERM', () => {
  void stop().then(() => process.exit(0));
});

const { loadMimikitConfig } = await import('../../src/mimikit/config/index.js');
const { LlmClient } = await import('../../src/mimikit/llm/client.js');
const { Runtime } = await import('../../src/mimikit/orchestrator/index.js');

const [workDir, baseURL, count] = process.argv.slice(2) as [string, string, string];
const config = await loadMimikitConfig({ workDir, env: {} });
config.idle.afterMs = 3_600_000;
config.manager.taskCreate.debounceMs = 0;
config.worker.retry = { maxAttempts: 1, backoffMs: 10 };
const model = new LlmClient({ baseURL });
const runtime = await Runtime.open({ workDir, config, model, managerRetry: { baseMs: 20, maxMs: 100 } });
stop = async () => {
  await runtime.stop();
  await model.close();
};
await runtime.start();
process.stdout.write(`started ${runtime.runtimeId}\n`);
for (let i = 0; i < Number(count); i++) {
  const { id } = await runtime.addInput({ text: `request ${i} from ${runtime.runtimeId}` });
  process.stdout.write(`accepted ${id}\n`);
}
