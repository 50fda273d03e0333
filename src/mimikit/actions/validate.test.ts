import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../model/tasks.js';
import { parseReply } from './parse.js';
import { renderActionFeedback, summarizeActionFeedback } from './render-feedback.js';
import { parseActionArgs } from './schemas.js';
import { validateActions, type ValidationContext } from './validate.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const tasks: Record<string, TaskStatus> = { pend: 'pending', run: 'running', done: 'succeeded', gone: 'canceled' };
const jobs: Record<string, boolean> = { cron_on: true, cron_off: false };
const ctx: ValidationContext = {
  taskStatus: (id) => tasks[id],
  cronJobEnabled: (id) => jobs[id],
  now: NOW,
  maxActions: 5,
};

function check(tags: string, c: ValidationContext = ctx) {
  return validateActions(parseReply(`x\n${tags}`).actions, c);
}

function rejectionOf(tag: string) {
  const r = check(tag);
  expect(r.accepted).toEqual([]);
  expect(r.feedback).toHaveLength(1);
  return r.feedback[0];
}

describe('create_task', () => {
  it('accepts a task that runs now', () => {
    const tag = '<M:create_task prompt=" Find X " title="X" profile="specialist"/>';
    expect(check(tag)).toEqual({
      accepted: [{ name: 'create_task', prompt: 'Find X', title: 'X', profile: 'specialist', attrs: { prompt: ' Find X ', title: 'X', profile: 'specialist' }, raw: tag }],
      feedback: [],
    });
  });

  it('requires a profile when nothing is scheduled', () => {
    const f = rejectionOf('<M:create_task prompt="p" title="t"/>');
    expect(f).toMatchObject({ action: 'create_task', error: 'invalid_action_args' });
    expect(f?.hint).toContain('profile is required');
  });

  it('rejects an unknown profile', () => {
    expect(rejectionOf('<M:create_task prompt="p" title="t" profile="deferred"/>')?.hint).toContain('profile must be standard or specialist');
  });

  it('scheduled tasks default to the standard profile and may carry one', () => {
    const r = check('<M:create_task prompt="p" title="t" scheduled_at="2026-03-01T21:00:00+08:00"/><M:create_task prompt="p" title="t" cron="0 0 9 * * *" profile="specialist"/>');
    expect(r.feedback).toEqual([]);
    expect(r.accepted.map((a) => (a.name === 'create_task' ? [a.profile, a.scheduledAt, a.cron] : []))).toEqual([
      ['standard', '2026-03-01T21:00:00+08:00', undefined],
      ['specialist', undefined, '0 0 9 * * *'],
    ]);
  });

  it('cron and scheduled_at are exclusive', () => {
    expect(rejectionOf('<M:create_task prompt="p" title="t" cron="0 0 9 * * *" scheduled_at="2026-03-02T09:00:00Z"/>')?.hint).toContain('not both');
  });

  it.each(['0 9 * * *', '0 0 9 * * * 2030', 'every day', '61 0 9 * * *'])('rejects the cron expression %j', (cron) => {
    const f = rejectionOf(`<M:create_task prompt="p" title="t" cron="${cron}"/>`);
    expect(f?.error).toBe('invalid_action_args');
    expect(f?.hint).toContain('6-field');
  });

  it('rejects a cron expression that never fires', () => {
    const f = rejectionOf('<M:create_task prompt="p" title="t" cron="0 0 0 30 2 *"/>');
    expect(f).toMatchObject({ error: 'action_execution_rejected' });
    expect(f?.hint).toContain('never fires');
  });

  it.each(['2026-03-02T09:00:00', '2026-03-02', 'tomorrow 9am', '2026-02-30T09:00:00Z', '2026-03-02T25:00:00Z'])('rejects scheduled_at %j (not ISO with a zone)', (at) => {
    const f = rejectionOf(`<M:create_task prompt="p" title="t" scheduled_at="${at}"/>`);
    expect(f?.error).toBe('invalid_action_args');
    expect(f?.hint).toContain('zone');
  });

  it('scheduled_at must be in the future, with 5 s of grace', () => {
    expect(check('<M:create_task prompt="p" title="t" scheduled_at="2026-03-01T11:59:56Z"/>').accepted).toHaveLength(1);
    const f = rejectionOf('<M:create_task prompt="p" title="t" scheduled_at="2026-03-01T19:59:54+08:00"/>');
    expect(f).toMatchObject({ error: 'action_execution_rejected' });
    expect(f?.hint).toContain('in the past');
  });

  it('rejects unknown attributes, naming them and the allowed ones', () => {
    const f = rejectionOf('<M:create_task prompt="p" title="t" profile="standard" priority="high"/>');
    expect(f?.hint).toContain('unknown attribute priority (allowed: prompt, title, profile, cron, scheduled_at)');
  });

  it('requires non-empty prompt and title', () => {
    const f = rejectionOf('<M:create_task prompt="  " profile="standard"/>');
    expect(f?.hint).toContain('prompt must not be empty');
    expect(f?.hint).toContain('title is required');
  });

  it('rejects content on an attribute-only action', () => {
    expect(rejectionOf('<M:create_task prompt="p" title="t" profile="standard">more</M:create_task>')?.hint).toContain('takes no tag content');
  });
});

describe('cancel_task', () => {
  it.each(['pend', 'run', 'cron_on'])('accepts %s', (id) => {
    expect(check(`<M:cancel_task id="${id}"/>`).accepted).toMatchObject([{ name: 'cancel_task', id }]);
  });

  it.each([
    ['done', 'already succeeded'],
    ['gone', 'already canceled'],
    ['cron_off', 'already canceled or finished'],
    ['nope', 'no task or scheduled task'],
  ])('rejects %s', (id, hint) => {
    const f = rejectionOf(`<M:cancel_task id="${id}"/>`);
    expect(f).toMatchObject({ action: 'cancel_task', error: 'action_execution_rejected' });
    expect(f?.hint).toContain(hint);
  });

  it('requires an id', () => {
    expect(rejectionOf('<M:cancel_task/>')?.hint).toContain('id is required');
  });
});

describe('summarize_task_result', () => {
  it('accepts a finished task', () => {
    expect(check('<M:summarize_task_result task_id="done" summary="found 3 papers"/>').accepted).toMatchObject([
      { name: 'summarize_task_result', taskId: 'done', summary: 'found 3 papers' },
    ]);
  });

  it.each([
    ['run', 'has no result yet'],
    ['nope', 'no task'],
  ])('rejects %s', (id, hint) => {
    expect(rejectionOf(`<M:summarize_task_result task_id="${id}" summary="s"/>`)?.hint).toContain(hint);
  });
});

describe('query_history', () => {
  it('fills defaults', () => {
    expect(check('<M:query_history query="pizza"/>').accepted).toMatchObject([{ name: 'query_history', query: 'pizza', limit: 6, roles: ['user', 'agent'] }]);
  });

  it('reads every option, and a reversed range is the same interval', () => {
    const r = check('<M:query_history query="q" limit="20" roles="system, USER" before_id="m9" from="2026-03-01T00:00:00+08:00" to="2026-02-01T00:00:00Z"/>');
    expect(r.accepted).toMatchObject([
      { limit: 20, roles: ['system', 'user'], beforeId: 'm9', fromMs: Date.parse('2026-02-01T00:00:00Z'), toMs: Date.parse('2026-02-28T16:00:00Z') },
    ]);
  });

  it.each([
    ['limit="0"', 'at least 1'],
    ['limit="21"', 'at most 20'],
    ['limit="abc"', 'whole number'],
    ['roles="user,bot"', 'roles'],
    ['roles=","', 'roles must not be empty'],
    ['from="last week"', 'from must be an ISO 8601'],
    ['to="2026-03-01T10:00:00"', 'to must be an ISO 8601'],
  ])('rejects %s', (attr, hint) => {
    const f = rejectionOf(`<M:query_history query="q" ${attr}/>`);
    expect(f?.error).toBe('invalid_action_args');
    expect(f?.hint).toContain(hint);
  });
});

describe('update_profile / update_persona', () => {
  it('takes the text from the content or a text attribute, and records it in attrs', () => {
    const r = check('<M:update_persona>\n  Calm and brief.\n</M:update_persona><M:update_profile text="Likes tea"/>');
    expect(r.feedback).toEqual([]);
    expect(r.accepted.map((a) => [a.name, 'text' in a ? a.text : undefined, a.attrs])).toEqual([
      ['update_persona', 'Calm and brief.', { text: '\n  Calm and brief.\n' }],
      ['update_profile', 'Likes tea', { text: 'Likes tea' }],
    ]);
  });

  it.each([
    ['<M:update_profile/>', 'the new text is required'],
    ['<M:update_profile>   </M:update_profile>', 'the new text is required'],
    ['<M:update_profile text=""/>', 'must not be empty'],
    ['<M:update_persona text="a">b</M:update_persona>', 'not both'],
  ])('rejects %s', (tag, hint) => {
    expect(rejectionOf(tag)?.hint).toContain(hint);
  });

  it('a batch record ({name, attrs}) rebuilds the same action', () => {
    const [action] = check('<M:update_persona>Be calm.</M:update_persona>').accepted;
    expect(action && parseActionArgs('update_persona', action.attrs)).toEqual({ ok: true, args: { name: 'update_persona', text: 'Be calm.' }, attrs: { text: 'Be calm.' } });
  });
});

describe('no-argument actions and registry', () => {
  it.each(['compress_context', 'restart_server'])('%s takes no attributes', (name) => {
    expect(check(`<M:${name}/>`).accepted).toMatchObject([{ name }]);
    expect(rejectionOf(`<M:${name} now="yes"/>`)?.hint).toContain('takes no attributes');
  });

  it('an unregistered action lists the valid names', () => {
    const f = rejectionOf('<M:run_task prompt="p"/>');
    expect(f).toEqual({
      action: 'run_task',
      error: 'unregistered_action',
      attempted: '<M:run_task prompt="p"/>',
      hint: '"run_task" is not an action. Valid actions: create_task, cancel_task, summarize_task_result, query_history, compress_context, update_profile, update_persona, restart_server.',
    });
  });

  it('a malformed tag is invalid_action_args', () => {
    const f = rejectionOf('<M:cancel_task id="pend" oops/>');
    expect(f).toMatchObject({ error: 'invalid_action_args' });
    expect(f?.hint).toContain('attribute oops has no value');
  });

  it('actions past maxActions are rejected; the others are accepted', () => {
    const r = check('<M:compress_context/><M:cancel_task id="pend"/><M:restart_server/>', { ...ctx, maxActions: 2 });
    expect(r.accepted.map((a) => a.name)).toEqual(['compress_context', 'cancel_task']);
    expect(r.feedback).toMatchObject([{ action: 'restart_server', error: 'action_execution_rejected' }]);
    expect(r.feedback[0]?.hint).toContain('at most 2');
  });

  it('the same failing tag twice is reported once', () => {
    expect(check('<M:nope/>\n<M:nope/>').feedback).toHaveLength(1);
  });
});

describe('feedback rendering', () => {
  const items = check('<M:nope/><M:cancel_task id="done"/>').feedback;

  it('renders YAML items with double-quoted strings', () => {
    const yaml = renderActionFeedback(items);
    expect(yaml.split('\n').slice(0, 5)).toEqual([
      'items:',
      '  - action: "nope"',
      '    error: "unregistered_action"',
      expect.stringMatching(/^ {4}hint: "\\"nope\\" is not an action\. Valid actions: /),
      '    attempted: "<M:nope/>"',
    ]);
    expect(yaml).toContain('error: "action_execution_rejected"');
    expect(renderActionFeedback([])).toBe('');
  });

  it('summarizes for the history message', () => {
    expect(summarizeActionFeedback(items).split('\n')).toEqual([
      'Action feedback · 2 items',
      expect.stringMatching(/^1\. nope — unregistered_action: /),
      '2. cancel_task — action_execution_rejected: Task "done" is already succeeded; there is nothing to cancel.',
    ]);
  });
});
