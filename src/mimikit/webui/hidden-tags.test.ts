import { describe, expect, it } from 'vitest';
import { stripHiddenTags as serverStrip } from '../actions/index.js';
import { stripHiddenTags } from './hidden-tags.js';

describe('stripHiddenTags (WebUI)', () => {
  it('removes self-closing and paired M: tags, attributes with > inside quotes included', () => {
    expect(stripHiddenTags('Done.\n<M:create_task prompt="a > b" title=\'x\'/>')).toBe('Done.');
    expect(stripHiddenTags('Task done · Report\n\n<M:system_event name="task_completed" version="1">{"a":"<b>"}</M:system_event>')).toBe('Task done · Report');
    expect(stripHiddenTags('a <M:x/> b')).toBe('a  b');
    expect(stripHiddenTags('stray </M:system_event> end')).toBe('stray  end');
  });

  it('leaves code alone: fenced blocks and inline spans', () => {
    const text = 'Use `<M:cancel_task id="t-1"/>` like this:\n```\n<M:create_task prompt="x"/>\n```';
    expect(stripHiddenTags(text)).toBe(text);
    expect(serverStrip(text)).toBe(text); // same rule as the server
  });

  it('while streaming, hides a tag that is not finished yet', () => {
    expect(stripHiddenTags('Working on it.\n<M:create_task prompt="hal', { streaming: true })).toBe('Working on it.');
    expect(stripHiddenTags('Working <', { streaming: true })).toBe('Working');
    expect(stripHiddenTags('x < y and <M', { streaming: true })).toBe('x < y and');
    expect(stripHiddenTags('x < y', { streaming: true })).toBe('x < y');
  });
});
