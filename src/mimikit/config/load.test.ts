import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-file.js';
import { loadMimikitConfig } from './load.js';

let workDir: string;

beforeEach(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-config-'));
});

afterEach(async () => {
  await fs.rm(workDir, { recursive: true, force: true });
});

const load = (env: NodeJS.ProcessEnv = {}, configPath?: string) => loadMimikitConfig({ workDir, env, configPath });

async function loadError(env: NodeJS.ProcessEnv = {}, configPath?: string): Promise<ConfigError> {
  const error = await load(env, configPath).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const writeUser = (yaml: string) => fs.writeFile(path.join(workDir, 'config.yaml'), yaml);

describe('defaults', () => {
  it('config/default.yaml holds every key with the documented defaults', async () => {
    expect(await load()).toEqual({
      llm: {},
      manager: {
        model: 'default',
        prompt: { maxTokens: 16000 },
        taskCreate: { debounceMs: 4000 },
        taskWindow: { minCount: 5, maxCount: 20, maxBytes: 20480 },
        session: { compressTimeoutMs: 60000 },
        maxCorrectionRounds: 4,
      },
      worker: {
        maxConcurrent: 3,
        maxToolRounds: 24,
        retry: { maxAttempts: 2, backoffMs: 5000 },
        shell: { timeoutMs: 120000, maxOutputBytes: 65536 },
        profiles: {
          standard: { timeoutMs: 600000, model: 'default' },
          specialist: { timeoutMs: 1200000, model: 'thinking', modelReasoningEffort: 'high' },
        },
      },
      idle: { afterMs: 900000 },
    });
  });

  it('every key of default.yaml has a comment', async () => {
    const { DEFAULT_CONFIG_PATH } = await import('./load.js');
    const lines = (await fs.readFile(DEFAULT_CONFIG_PATH, 'utf8')).split('\n');
    const uncommented = lines.filter((line, i) => /^\s*\w+:\s*\S/.test(line) && !line.includes('#') && !/^\s*#/.test(lines[i - 1] ?? ''));
    expect(uncommented).toEqual([]);
  });
});

describe('user file', () => {
  it('<workDir>/config.yaml is deep-merged over the defaults', async () => {
    await writeUser('manager:\n  taskWindow:\n    maxCount: 30\nworker:\n  profiles:\n    specialist:\n      model: gpt-x\nllm:\n  baseURL: http://127.0.0.1:9000/v1\n');
    const c = await load();
    expect(c.manager.taskWindow).toEqual({ minCount: 5, maxCount: 30, maxBytes: 20480 });
    expect(c.worker.profiles.specialist).toEqual({ timeoutMs: 1200000, model: 'gpt-x', modelReasoningEffort: 'high' });
    expect(c.llm).toEqual({ baseURL: 'http://127.0.0.1:9000/v1' });
  });

  it('--config wins over <workDir>/config.yaml, and must exist', async () => {
    await writeUser('manager:\n  model: from-workdir\n');
    const other = path.join(workDir, 'other.json');
    await fs.writeFile(other, JSON.stringify({ manager: { model: 'from-flag' } }));
    expect((await load({}, other)).manager.model).toBe('from-flag');
    expect((await loadError({}, path.join(workDir, 'missing.yaml'))).message).toContain('file not found');
  });

  it('an empty user file changes nothing; null keeps the default', async () => {
    await writeUser('# nothing\n');
    expect((await load()).idle.afterMs).toBe(900000);
    await writeUser('idle:\n  afterMs:\n');
    expect((await load()).idle.afterMs).toBe(900000);
  });

  it('unknown keys are errors with their path', async () => {
    await writeUser('manager:\n  modle: x\n  prompt:\n    maxTokenz: 1\nextra: 1\n');
    const e = await loadError();
    expect(e.problems).toEqual(
      expect.arrayContaining([
        { path: 'manager.modle', message: 'unknown key' },
        { path: 'manager.prompt.maxTokenz', message: 'unknown key' },
        { path: 'extra', message: 'unknown key' },
      ]),
    );
    expect(e.source).toContain(path.join(workDir, 'config.yaml'));
  });

  it.each([
    ['deferred:\n  model: x\n', 'deferred', 'worker.profiles.standard'],
    ['worker:\n  retryMaxAttempts: 3\n', 'worker.retryMaxAttempts', 'worker.retry.maxAttempts'],
    ['worker:\n  retryBackoffMs: 3\n', 'worker.retryBackoffMs', 'worker.retry.backoffMs'],
    ['worker:\n  standard:\n    model: x\n', 'worker.standard', 'worker.profiles.standard'],
    ['worker:\n  specialist:\n    model: x\n', 'worker.specialist', 'worker.profiles.specialist'],
  ])('the historical key in %j names the new key', async (yaml, key, replacement) => {
    await writeUser(yaml);
    const e = await loadError();
    expect(e.source).toBe(path.join(workDir, 'config.yaml'));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]?.path).toBe(key);
    expect(e.problems[0]?.message).toContain(replacement);
  });

  it.each([
    ['manager:\n  taskWindow:\n    minCount: 30\n', 'manager.taskWindow.minCount'],
    ['worker:\n  retry:\n    maxAttempts: 0\n', 'worker.retry.maxAttempts'],
    ['worker:\n  maxConcurrent: two\n', 'worker.maxConcurrent'],
    ['worker:\n  profiles:\n    specialist:\n      modelReasoningEffort: extreme\n', 'worker.profiles.specialist.modelReasoningEffort'],
    ['llm:\n  baseURL: ftp://x\n', 'llm.baseURL'],
  ])('an invalid value in %j is an error at %s', async (yaml, key) => {
    await writeUser(yaml);
    expect((await loadError()).problems.map((p) => p.path)).toEqual([key]);
  });

  it('a file that is not a mapping is an error', async () => {
    await writeUser('- a\n- b\n');
    expect((await loadError()).problems[0]?.message).toContain('mapping');
  });
});

describe('environment variables', () => {
  it('MIMIKIT_MODEL sets all three models, unless the specific ones are set', async () => {
    const all = await load({ MIMIKIT_MODEL: 'm-all' });
    expect([all.manager.model, all.worker.profiles.standard.model, all.worker.profiles.specialist.model]).toEqual(['m-all', 'm-all', 'm-all']);
    const mixed = await load({ MIMIKIT_MODEL: 'm-all', MIMIKIT_MANAGER_MODEL: 'm-man', MIMIKIT_WORKER_SPECIALIST_MODEL: 'm-spec' });
    expect([mixed.manager.model, mixed.worker.profiles.standard.model, mixed.worker.profiles.specialist.model]).toEqual(['m-man', 'm-all', 'm-spec']);
    expect((await load({ MIMIKIT_WORKER_STANDARD_MODEL: 'm-std' })).worker.profiles.standard.model).toBe('m-std');
  });

  it('environment variables override the user file', async () => {
    await writeUser('manager:\n  model: from-file\n  prompt:\n    maxTokens: 5000\n');
    const c = await load({ MIMIKIT_MANAGER_MODEL: 'from-env', MIMIKIT_MANAGER_PROMPT_MAX_TOKENS: '8000' });
    expect([c.manager.model, c.manager.prompt.maxTokens]).toEqual(['from-env', 8000]);
  });

  it('reasoning effort: the specific variable wins over MIMIKIT_REASONING_EFFORT', async () => {
    expect((await load({ MIMIKIT_REASONING_EFFORT: 'low' })).worker.profiles.specialist.modelReasoningEffort).toBe('low');
    expect((await load({ MIMIKIT_REASONING_EFFORT: 'low', MIMIKIT_WORKER_SPECIALIST_REASONING_EFFORT: 'xhigh' })).worker.profiles.specialist.modelReasoningEffort).toBe('xhigh');
  });

  it('numbers, the LLM endpoint and key', async () => {
    const c = await load({
      MIMIKIT_MANAGER_PROMPT_MAX_TOKENS: '12000',
      MIMIKIT_MANAGER_CREATE_TASK_DEBOUNCE_MS: '0',
      MIMIKIT_LLM_BASE_URL: 'https://llm.example/v1',
      MIMIKIT_LLM_API_KEY: 'sk-test',
    });
    expect([c.manager.prompt.maxTokens, c.manager.taskCreate.debounceMs, c.llm]).toEqual([12000, 0, { baseURL: 'https://llm.example/v1', apiKey: 'sk-test' }]);
  });

  it('an empty variable counts as unset', async () => {
    expect((await load({ MIMIKIT_MODEL: '', MIMIKIT_MANAGER_PROMPT_MAX_TOKENS: ' ' })).manager).toMatchObject({ model: 'default', prompt: { maxTokens: 16000 } });
  });

  it.each([
    ['MIMIKIT_MODEL', 'two words'],
    ['MIMIKIT_MANAGER_MODEL', 'a b'],
    ['MIMIKIT_WORKER_STANDARD_MODEL', 'a b'],
    ['MIMIKIT_WORKER_SPECIALIST_MODEL', 'a b'],
    ['MIMIKIT_REASONING_EFFORT', 'max'],
    ['MIMIKIT_WORKER_SPECIALIST_REASONING_EFFORT', 'HIGHEST'],
    ['MIMIKIT_MANAGER_PROMPT_MAX_TOKENS', '12k'],
    ['MIMIKIT_MANAGER_PROMPT_MAX_TOKENS', '10'],
    ['MIMIKIT_MANAGER_CREATE_TASK_DEBOUNCE_MS', '-5'],
    ['MIMIKIT_LLM_BASE_URL', 'localhost:9000'],
  ])('an invalid %s=%j is an error naming the variable', async (variable, value) => {
    const e = await loadError({ [variable]: value });
    expect(e.source).toBe('environment');
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]?.path).toBe(variable);
    expect(e.problems[0]?.message).toContain(JSON.stringify(value));
    expect(e.message).toContain(variable);
  });

  it('reports every invalid variable at once', async () => {
    const e = await loadError({ MIMIKIT_REASONING_EFFORT: 'max', MIMIKIT_MANAGER_CREATE_TASK_DEBOUNCE_MS: 'soon' });
    expect(e.problems.map((p) => p.path)).toEqual(['MIMIKIT_REASONING_EFFORT', 'MIMIKIT_MANAGER_CREATE_TASK_DEBOUNCE_MS']);
  });
});
