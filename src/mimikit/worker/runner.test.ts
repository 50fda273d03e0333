import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream } from '../../routecodex/testing/fake-upstream/index.js';
import type { FakeUpstream } from '../../routecodex/testing/fake-upstream/index.js';
import { LlmClient } from '../llm/client.js';
import { runTaskAttempt, type RunnerDeps } from './runner.js';
import { makeTempWork, type TempWork } from './test-support.js';
import { defaultToolRegistry } from './tools/registry.js';
import { DEFAULT_TOOL_LIMITS } from './tools/types.js';
import type { ModelCallTrace, WorkerProgressEvent } from './types.js';

interface ChatBody {
  model: string;
  messages: Array<{ role: string; content?: string | null; tool_call_id?: string; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> }>;
  tools?: Array<{ function: { name: string } }>;
}

describe('runTaskAttempt (tool loop against the fake upstream)', () => {
  let fake: FakeUpstream;
  let client: LlmClient;
  let work: TempWork;
  let events: WorkerProgressEvent[];
  let traces: ModelCallTrace[];

  beforeEach(async () => {
    fake = await startFakeUpstream({ port: 0 });
    client = new LlmClient({ baseURL: `${fake.url}/v1` });
    work = await makeTempWork();
    events = [];
    traces = [];
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
    await work.cleanup();
  });

  const deps = (over: Partial<RunnerDeps> = {}): RunnerDeps => ({
    model: client,
    modelName: 'worker-model',
    systemPrompt: 'You are a worker.',
    tools: defaultToolRegistry(),
    dirs: work,
    limits: DEFAULT_TOOL_LIMITS,
    maxToolRounds: 5,
    attempt: 1,
    signal: new AbortController().signal,
    progress: (e) => void events.push(e),
    trace: (t) => traces.push(t),
    ...over,
  });
  const bodies = () => fake.requests().map((r) => r.body as ChatBody);

  it('runs write_file, then shell, then returns the final text; tool results go back to the model', async () => {
    fake.setScript({
      rules: [
        { times: 1, reply: { toolCalls: [{ id: 'c1', name: 'write_file', arguments: { path: 'generated/hello.txt', content: 'hi there' } }], usage: { input: 100, output: 10 } } },
        { times: 1, reply: { toolCalls: [{ id: 'c2', name: 'shell', arguments: { command: 'cat ../generated/hello.txt; echo; ls ../generated' } }], usage: { input: 150, output: 12, cached: 50 } } },
        { times: 1, reply: { text: 'All done: hi there', usage: { input: 200, output: 20 } } },
      ],
    });
    const result = await runTaskAttempt({ id: 't1', prompt: 'Write hello and show it' }, deps({ reasoningEffort: 'high' }));

    expect(result).toEqual({ status: 'succeeded', output: 'All done: hi there', rounds: 3, usage: { input: 450, output: 42, cachedInput: 50, total: 492 } });
    expect(await readFile(path.join(work.generatedDir, 'hello.txt'), 'utf8')).toBe('hi there');

    const reqs = fake.requests();
    expect(reqs).toHaveLength(3);
    expect(reqs.every((r) => r.headers['x-session-id'] === 'mimikit-task-t1' && r.model === 'worker-model')).toBe(true);
    const [first, second, third] = bodies();
    expect(first?.messages).toEqual([
      { role: 'system', content: 'You are a worker.' },
      { role: 'user', content: 'Write hello and show it' },
    ]);
    expect(first?.tools?.map((t) => t.function.name)).toEqual(['shell', 'read_file', 'write_file', 'edit_file', 'list_files', 'fetch_url']);
    expect((reqs[0]?.body as Record<string, unknown>).reasoning_effort).toBe('high');
    expect(second?.messages.slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'write_file', arguments: '{"path":"generated/hello.txt","content":"hi there"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'wrote 8 bytes to generated/hello.txt' },
    ]);
    expect(third?.messages).toHaveLength(6);
    expect(third?.messages[5]).toEqual({ role: 'tool', tool_call_id: 'c2', content: 'hi there\nhello.txt\n\n[exit code: 0]' });

    expect(events.map((e) => e.type)).toEqual([
      'attempt_start', 'model_reply', 'tool_start', 'tool_end', 'model_reply',
      'tool_start', 'tool_process', 'tool_process_end', 'tool_end', 'model_reply', 'attempt_end',
    ]);
    expect(events[1]).toMatchObject({ type: 'model_reply', payload: { attempt: 1, round: 1, toolCalls: ['write_file'], textPreview: '' } });
    expect(events[2]).toEqual({ type: 'tool_start', payload: { attempt: 1, round: 1, name: 'write_file', argsPreview: '{"path":"generated/hello.txt","content":"hi there"}' } });
    // The shell's process group is on record through the same sink, from start to end.
    const started = events[6];
    expect(started).toMatchObject({ type: 'tool_process', payload: { pid: expect.any(Number), startTime: expect.any(Number), command: 'cat ../generated/hello.txt; echo; ls ../generated' } });
    const pgid = started?.type === 'tool_process' ? started.payload.pgid : undefined;
    expect(pgid).toBe(started?.type === 'tool_process' ? started.payload.pid : NaN);
    expect(events[7]).toEqual({ type: 'tool_process_end', payload: { pgid } });
    expect(events[8]).toMatchObject({ type: 'tool_end', payload: { name: 'shell', ok: true, outputPreview: 'hi there hello.txt [exit code: 0]' } });
    expect(events[9]).toMatchObject({ payload: { round: 3, toolCalls: [], textPreview: 'All done: hi there' } });
    expect(events[10]).toMatchObject({ type: 'attempt_end', payload: { attempt: 1, status: 'succeeded', rounds: 3, usage: { input: 450 } } });

    expect(traces.map((t) => [t.taskId, t.attempt, t.round, t.ok, t.model])).toEqual([
      ['t1', 1, 1, true, 'worker-model'],
      ['t1', 1, 2, true, 'worker-model'],
      ['t1', 1, 3, true, 'worker-model'],
    ]);
    expect(traces[0]?.output).toBe('[tool call write_file id=c1] {"path":"generated/hello.txt","content":"hi there"}');
    expect(traces[2]?.prompt).toContain('--- tool result id=c2 ---\nhi there');
    expect(traces[2]?.usage).toEqual({ input: 200, output: 20, cachedInput: 0, total: 220 });
  });

  it('sends bad arguments and unknown tools back as error results, and the model recovers', async () => {
    fake.setScript({
      rules: [
        {
          times: 1,
          reply: {
            toolCalls: [
              { id: 'a', name: 'read_file', arguments: { file: 'x' } },
              { id: 'b', name: 'delete_everything', arguments: {} },
              { id: 'c', name: 'write_file', arguments: '{"path": "x.txt", ' },
            ],
          },
        },
        { reply: { text: 'I could not do it.' } },
      ],
    });
    const result = await runTaskAttempt({ id: 't2', prompt: 'try' }, deps());
    expect(result).toMatchObject({ status: 'succeeded', output: 'I could not do it.', rounds: 2 });
    const toolMessages = bodies()[1]?.messages.filter((m) => m.role === 'tool');
    expect(toolMessages?.map((m) => m.tool_call_id)).toEqual(['a', 'b', 'c']);
    expect(toolMessages?.[0]?.content).toMatch(/^invalid arguments for read_file: /);
    expect(toolMessages?.[1]?.content).toMatch(/^unknown tool "delete_everything"/);
    expect(toolMessages?.[2]?.content).toMatch(/^the arguments of write_file are not valid JSON/);
    expect(events.filter((e) => e.type === 'tool_end').map((e) => e.payload)).toMatchObject([{ ok: false }, { ok: false }, { ok: false }]);
  });

  it('fails after maxToolRounds replies that keep asking for tools', async () => {
    fake.setScript({ rules: [{ reply: { toolCalls: [{ name: 'list_files', arguments: {} }] } }] });
    const result = await runTaskAttempt({ id: 't3', prompt: 'loop' }, deps({ maxToolRounds: 2 }));
    expect(result).toMatchObject({ status: 'failed', transient: false, rounds: 3, error: 'no final answer after 2 tool rounds: the model still asked for list_files' });
    expect(fake.requests()).toHaveLength(3);
    expect(events.filter((e) => e.type === 'tool_start')).toHaveLength(2);
  });

  it('classifies model errors: a 500 is transient, a 400 is not; both are traced', async () => {
    fake.setScript({ rules: [{ times: 1, reply: { fault: { status: 500, message: 'boom' } } }, { times: 1, reply: { fault: { status: 400, message: 'bad' } } }] });
    const server = await runTaskAttempt({ id: 't4', prompt: 'x' }, deps());
    expect(server).toMatchObject({ status: 'failed', transient: true, rounds: 1, error: expect.stringMatching(/^model call failed \(server\): .*500.*boom/) });
    const bad = await runTaskAttempt({ id: 't4', prompt: 'x' }, deps({ attempt: 2 }));
    expect(bad).toMatchObject({ status: 'failed', transient: false, error: expect.stringMatching(/\(bad_request\)/) });
    expect(traces.map((t) => [t.attempt, t.ok, t.output])).toEqual([
      [1, false, ''],
      [2, false, ''],
    ]);
    expect(traces[0]?.error).toMatch(/boom/);
    expect(events.at(-1)).toMatchObject({ type: 'attempt_end', payload: { attempt: 2, status: 'failed', error: expect.stringMatching(/bad/) } });
  });

  it('an empty final reply is a failure, not an empty result', async () => {
    fake.setScript({ rules: [{ reply: { text: '' } }] });
    expect(await runTaskAttempt({ id: 't5', prompt: 'x' }, deps())).toMatchObject({ status: 'failed', error: expect.stringMatching(/without an answer/) });
  });

  it('returns aborted when the signal aborts during the model call', async () => {
    fake.setScript({ rules: [{ reply: { text: 'late', latencyMs: 10_000 } }] });
    const controller = new AbortController();
    const running = runTaskAttempt({ id: 't6', prompt: 'x' }, deps({ signal: controller.signal }));
    await fake.waitForRequests(1);
    const abortedAt = Date.now();
    controller.abort();
    expect(await running).toEqual({ status: 'aborted', rounds: 1 });
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(events.at(-1)).toMatchObject({ type: 'attempt_end', payload: { status: 'aborted' } });
  });
});
