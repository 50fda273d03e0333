import { describe, expect, it } from 'vitest';
import { parseReply } from '../actions/parse.js';
import { ACTION_NAMES } from '../actions/schemas.js';
import { loadTemplate, renderPrompt } from './template.js';

const MANAGER_BLOCKS = ['inputs', 'results', 'recent_history', 'compressed_context', 'tasks', 'persona', 'user_profile', 'environment', 'action_feedback', 'history_lookup'];

describe('the repo prompt files', () => {
  it('manager/system.md shows every block when set and none when empty', () => {
    const vars = Object.fromEntries(MANAGER_BLOCKS.map((k) => [k, `<M:${k}>\nVALUE_${k}\n</M:${k}>`]));
    const full = renderPrompt('manager/system', vars);
    for (const k of MANAGER_BLOCKS) expect(full).toContain(`VALUE_${k}`);
    const empty = renderPrompt('manager/system', {});
    for (const k of MANAGER_BLOCKS) expect(empty).not.toContain(`<M:${k}>`);
    expect(empty).not.toMatch(/\{[#/]?[a-z_]+\}/);
    expect(empty).not.toMatch(/\n{3,}/);
  });

  it('every placeholder of manager/system.md is guarded by an {#if} of the same name', () => {
    const source = loadTemplate('manager/system');
    for (const k of MANAGER_BLOCKS) {
      expect(source.split(`{${k}}`)).toHaveLength(2);
      expect(source).toMatch(new RegExp(`\\{#if ${k}\\}(?:(?!\\{/if\\})[\\s\\S])*\\{${k}\\}`));
    }
  });

  it('manager/system.md documents every action, and its examples are valid tags', () => {
    const source = loadTemplate('manager/system');
    for (const name of ACTION_NAMES) expect(source).toContain(`<M:${name}`);
    const examples = [...source.matchAll(/^ {2}`(<M:[^`]+)`$/gm)].map((m) => m[1] ?? '');
    expect(examples.length).toBeGreaterThanOrEqual(ACTION_NAMES.length);
    for (const example of examples) {
      const parsed = parseReply(example).actions;
      expect(parsed, example).toHaveLength(1);
      expect(parsed[0]?.syntaxError, example).toBeUndefined();
    }
  });

  it('worker/system.md carries the task and the environment', () => {
    const out = renderPrompt('worker/system', { task_prompt: 'DO_THIS', environment: '<M:environment>\nwork_dir: "/w"\n</M:environment>' });
    expect(out).toContain('<M:task>\nDO_THIS\n</M:task>');
    expect(out).toContain('work_dir: "/w"');
    expect(out).toContain('generated/');
    // The worker runner may send the task as the user message instead: then no task block.
    expect(renderPrompt('worker/system', {})).not.toContain('<M:task>');
  });

  it('manager/compress-context.md carries the conversation and the previous summary', () => {
    expect(renderPrompt('manager/compress-context', { conversation: 'CONV', compressed_context: 'OLD' })).toMatch(/OLD[\s\S]*CONV/);
    expect(renderPrompt('manager/compress-context', { conversation: 'CONV' })).not.toContain('summary so far');
  });

  it('manager/fallback-reply.md is one short line', () => {
    const text = loadTemplate('manager/fallback-reply').trim();
    expect(text).not.toContain('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(60);
  });
});
