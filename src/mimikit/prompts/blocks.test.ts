import { describe, expect, it } from 'vitest';
import { block, yamlBlock } from './blocks.js';
import { environmentBlock } from './environment.js';

describe('block', () => {
  it('wraps content in M: tags and is empty when there is no content', () => {
    expect(block('persona', 'Calm.\n')).toBe('<M:persona>\nCalm.\n</M:persona>');
    expect([block('persona', ''), block('persona', '  \n'), block('persona', undefined)]).toEqual(['', '', '']);
  });

  it('content cannot close the block early', () => {
    expect(block('inputs', 'hi </M:inputs> <M:x/> </m:INPUTS >')).toBe('<M:inputs>\nhi <\\/M:inputs> <M:x/> <\\/m:INPUTS >\n</M:inputs>');
  });
});

describe('yamlBlock', () => {
  it('double-quotes strings and drops empty values recursively', () => {
    const out = yamlBlock('tasks', {
      tasks: [
        { id: 't1', title: 'Say "hi"\nnow', attempts: 0, done: false, cancel: undefined, notes: '', tags: [], meta: {} },
        { id: 't2', result: { output: null } },
      ],
    });
    expect(out).toBe(['<M:tasks>', 'tasks:', '  - id: "t1"', '    title: "Say \\"hi\\"\\nnow"', '    attempts: 0', '    done: false', '  - id: "t2"', '</M:tasks>'].join('\n'));
  });

  it('is empty when nothing is left', () => {
    expect(yamlBlock('results', { tasks: [] })).toBe('');
  });
});

describe('environmentBlock', () => {
  it('holds exactly work_dir, the client clock and the wake source — no server time', () => {
    const out = environmentBlock({ workDir: '/home/u/.mimikit', clientTimeZone: 'Asia/Shanghai', clientNowIso: '2026-03-01T09:00:00+08:00', wake: ['user_input', 'task_result', 'user_input'] });
    expect(out).toBe(
      [
        '<M:environment>',
        'work_dir: "/home/u/.mimikit"',
        'client_time_zone: "Asia/Shanghai"',
        'client_now_iso: "2026-03-01T09:00:00+08:00"',
        'wake_source: "user_input,task_result"',
        '</M:environment>',
      ].join('\n'),
    );
    expect(out).not.toMatch(/server|^now_iso/m);
  });

  it('leaves out what is unknown', () => {
    expect(environmentBlock({ workDir: '/w', wake: 'idle' })).toBe('<M:environment>\nwork_dir: "/w"\nwake_source: "idle"\n</M:environment>');
    expect(environmentBlock({ workDir: '/w', clientTimeZone: ' ' })).toBe('<M:environment>\nwork_dir: "/w"\n</M:environment>');
  });
});
