/**
 * The benchmark's fake upstream (a child process): 0 ms latency, request recording off, and one rule
 * whose text streams as ~20 small SSE events on OpenAI Chat. Prints `fake upstream listening on <url>`.
 * Usage: `node bin/run-ts.mjs bench/gateway/fake-upstream.ts [--port N]`.
 */
import { parseArgs } from 'node:util';
import { startFakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';

/** 18 text deltas of 8 characters, plus the role, finish and [DONE] events: 21 SSE events. */
export const BENCH_REPLY_TEXT = 'The quick brown fox jumps over the lazy dog while the benchmark counts every byte that goes by, twice, then writes it all down in a table ok.';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const upstream = await startFakeUpstream({
  port: Number(values.port),
  latencyMs: 0,
  maxRecordedRequests: 0,
  script: { rules: [{ reply: { text: BENCH_REPLY_TEXT, usage: { input: 200, output: 40 } } }] },
});
const stop = (): void => {
  void upstream.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.stdout.write(`fake upstream listening on ${upstream.url}\n`);
