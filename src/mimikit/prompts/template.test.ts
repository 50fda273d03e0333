import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TemplateError, isTruthy, loadTemplate, renderPrompt, renderTemplate } from './template.js';

let dir: string;
let root: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-template-'));
  root = path.join(dir, 'prompts');
  await fs.mkdir(path.join(root, 'parts'), { recursive: true });
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const render = (source: string, vars: Record<string, string | boolean | string[] | number | undefined> = {}) => renderTemplate(source, vars, { includeDir: root });

describe('placeholders', () => {
  it('substitutes values and leaves missing keys empty', () => {
    expect(render('Hi {name}, {missing}!', { name: 'Lin' })).toBe('Hi Lin, !');
  });

  it('formats numbers, booleans and arrays', () => {
    expect(render('{n} {b} [{list}]', { n: 3, b: true, list: ['a', 'b'] })).toBe('3 true [a\nb]');
  });

  it('does not re-expand placeholders inside values', () => {
    expect(render('{a}', { a: '{b}', b: 'no' })).toBe('{b}');
  });

  it('leaves non-identifier braces alone', () => {
    expect(render('{"json": 1} { spaced } {1x}')).toBe('{"json": 1} { spaced } {1x}');
  });
});

describe('conditionals', () => {
  it('chooses the branch by truthiness', () => {
    const t = '{#if x}yes{#else}no{/if}';
    expect([render(t, { x: 'v' }), render(t, { x: '' }), render(t, { x: '  ' }), render(t), render(t, { x: [] }), render(t, { x: ['a'] }), render(t, { x: false }), render(t, { x: true }), render(t, { x: 0 })]).toEqual([
      'yes',
      'no',
      'no',
      'no',
      'no',
      'yes',
      'no',
      'yes',
      'yes',
    ]);
    expect(isTruthy(null)).toBe(false);
  });

  it('nests', () => {
    const t = '{#if a}A{#if b}B{#else}!B{/if}{#else}!A{#if b}B{/if}{/if}';
    expect([render(t, { a: '1', b: '1' }), render(t, { a: '1' }), render(t, { b: '1' }), render(t)]).toEqual(['AB', 'A!B', '!AB', '!A']);
  });

  it('a directive alone on its line takes the line with it', () => {
    const t = 'top\n{#if x}\nmiddle {x}\n  {/if}  \nbottom\n';
    expect(render(t, { x: 'v' })).toBe('top\nmiddle v\nbottom\n');
    expect(render(t)).toBe('top\nbottom\n');
  });

  it.each([
    ['{#if a}x', '{#if a} is never closed'],
    ['x{/if}', '{/if} without a matching {#if}'],
    ['{#else}', '{#else} without a matching {#if}'],
    ['{#if a}1{#else}2{#else}3{/if}', '{#else} without a matching {#if}'],
    ['line1\n{#each a}', ':2: unknown directive {#each a}'],
  ])('%j is an error naming the problem', (source, message) => {
    expect(() => render(source)).toThrow(TemplateError);
    expect(() => render(source)).toThrow(message);
  });
});

describe('includes', () => {
  it('inlines a file from the prompts root, rendered with the same values', async () => {
    await fs.writeFile(path.join(root, 'parts', 'greet.md'), 'Hello {name}{#if loud}!{/if}\n');
    expect(render('[{#include parts/greet.md}]', { name: 'Lin', loud: true })).toBe('[Hello Lin!]');
  });

  it('nested includes resolve from the root', async () => {
    await fs.writeFile(path.join(root, 'a.md'), 'A({#include parts/b.md})');
    await fs.writeFile(path.join(root, 'parts', 'b.md'), 'B');
    expect(render('{#include a.md}')).toBe('A(B)');
  });

  it('rejects paths that leave the root, even through a symlink', async () => {
    await fs.writeFile(path.join(dir, 'secret.md'), 'secret');
    await fs.symlink(path.join(dir, 'secret.md'), path.join(root, 'link.md'));
    expect(() => render('{#include ../secret.md}')).toThrow('outside the prompts directory');
    expect(() => render(`{#include ${path.join(dir, 'secret.md')}}`)).toThrow('relative to the prompts root');
    expect(() => render('{#include link.md}')).toThrow('outside the prompts directory');
    expect(() => render('{#include parts/../../secret.md}')).toThrow('outside the prompts directory');
  });

  it('detects include cycles', async () => {
    await fs.writeFile(path.join(root, 'a.md'), 'A{#include parts/b.md}');
    await fs.writeFile(path.join(root, 'parts', 'b.md'), 'B{#include a.md}');
    expect(() => render('{#include a.md}')).toThrow('include cycle: a.md → parts/b.md → a.md');
  });

  it('a missing include is an error', () => {
    expect(() => render('{#include nope.md}')).toThrow('template not found: nope.md');
  });
});

describe('loadTemplate', () => {
  it('reads by name, adds .md, and sees changes to the file', async () => {
    const file = path.join(root, 'parts', 'x.md');
    await fs.writeFile(file, 'one {v}');
    expect(loadTemplate('parts/x', root)).toBe('one {v}');
    expect(renderPrompt('parts/x.md', { v: 1 }, root)).toBe('one 1');
    await fs.writeFile(file, 'two, longer');
    expect(loadTemplate('parts/x', root)).toBe('two, longer');
    expect(() => loadTemplate('../outside', root)).toThrow('outside the prompts directory');
  });
});
