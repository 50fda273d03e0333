/**
 * The WebUI in a real headless Chromium against the real CLI: a streamed reply rendered as sanitized
 * markdown with no hidden tags, usage and elapsed, quoting, the composer (Enter / Shift+Enter / draft),
 * a task made by the fake upstream's script finishing in the tasks panel (archive, artifact link), a
 * running task canceled from the panel, and the phone-sized layout.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../harness.js';
import { launchBrowser, screenshot, startMimikit, watchErrors, type MimikitProcess } from './support.js';

let browser: Browser;
let h: Harness;
let mk: MimikitProcess;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await page?.context().close();
  await mk?.stop();
  await h.close();
});

async function openPage(viewport = { width: 1280, height: 860 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  page = await context.newPage();
  errors = watchErrors(page);
  await page.goto(mk.url);
  await page.waitForSelector('#status[data-state="idle"]');
  return page;
}

async function send(text: string): Promise<void> {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
}

const REPLY = [
  'Here is **bold** text.',
  '',
  '- first item',
  '- second item',
  '',
  '<script>window.__pwned = 1</script>',
  '',
  '<img src="x" onerror="window.__pwned = 2">',
  '',
  '[safe](https://example.com) and [bad](javascript:window.__pwned=3)',
  '<M:create_task prompt="NOOP-TASK" title="Noop" profile="standard"/>',
].join('\n');

describe('WebUI chat', () => {
  it('streams the reply live, renders it as sanitized markdown, hides <M:…> tags, shows usage/elapsed; quote; composer keys and draft', async () => {
    h.script([
      { match: { contains: 'MD-REPLY' }, times: 1, reply: { text: REPLY, chunkSize: 4, chunkDelayMs: 60, usage: { input: 1234, output: 56 } } },
      { match: { contains: 'NOOP-TASK' }, times: 1, reply: { text: 'noop done' } },
      { match: { contains: 'QUOTED-ASK' }, times: 1, reply: { text: 'Answering the quote.' } },
      { reply: { text: 'Noted.' } },
    ]);
    mk = await startMimikit({ workDir: h.workDir, llmBaseUrl: `${h.gateway.url}/v1` });
    await openPage();

    await send('MD-REPLY please');
    await page.waitForSelector('#messages .msg-user:has-text("MD-REPLY please")');
    const streaming = await page.waitForSelector('#live .msg.is-streaming');
    await page.waitForFunction(() => (document.querySelector('#live .is-streaming')?.textContent ?? '').includes('bold'));
    expect(await streaming.evaluate((n) => n.textContent)).not.toContain('first item\n- second'); // not all there yet: it is streaming
    await screenshot(page, 'chat-streaming');

    const agent = page.locator('#messages .msg-agent', { hasText: 'Here is' });
    await agent.waitFor();
    await page.waitForSelector('#live .is-streaming', { state: 'detached' });
    expect(await agent.locator('strong').textContent()).toBe('bold');
    expect(await agent.locator('li').allTextContents()).toEqual(['first item', 'second item']);
    expect(await page.locator('#messages script').count()).toBe(0);
    expect(await page.locator('#messages [onerror]').count()).toBe(0);
    expect(await agent.locator('a[href="https://example.com"]').getAttribute('rel')).toBe('noopener noreferrer');
    expect(await agent.locator('a[href="https://example.com"]').getAttribute('target')).toBe('_blank');
    expect(await agent.locator('a', { hasText: 'bad' }).getAttribute('href')).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await agent.locator('.usage').textContent()).toBe('↑ 1234 · ↓ 56');
    expect(await agent.locator('.elapsed').textContent()).toMatch(/^\d+s$/);
    await page.waitForSelector('#messages .msg-system:has-text("Task created · Noop")');
    const visible = await page.locator('body').innerText();
    for (const hidden of ['<M:', 'create_task', 'system_event', 'NOOP-TASK']) expect(visible).not.toContain(hidden);

    // Quote the agent's reply: preview in the composer, then sent as `quote`.
    const agentId = await agent.getAttribute('data-id');
    await agent.hover();
    await agent.locator('.quote-btn').click();
    await page.waitForSelector('#quote-preview:not([hidden])');
    expect(await page.locator('#quote-text').textContent()).toContain('Here is **bold** text.');
    await send('QUOTED-ASK about that');
    const quoting = page.locator('#messages .msg-user', { hasText: 'QUOTED-ASK' });
    await quoting.locator('.quoted').waitFor();
    expect(await quoting.locator('.quoted').textContent()).toContain('Here is');
    expect(await page.locator('#quote-preview').isHidden()).toBe(true);
    await page.waitForSelector('#messages .msg-agent:has-text("Answering the quote.")');
    const stored = (await (await fetch(`${mk.url}/api/messages`)).json()) as { messages: Array<{ text: string; quote?: string }> };
    expect(stored.messages.find((m) => m.text === 'QUOTED-ASK about that')?.quote).toBe(agentId);

    // Shift+Enter is a new line (nothing sent); the draft survives a reload; Enter sends it.
    const users = await page.locator('#messages .msg-user').count();
    await page.fill('#input', '');
    await page.type('#input', 'line one');
    await page.press('#input', 'Shift+Enter');
    await page.type('#input', 'line two');
    expect(await page.inputValue('#input')).toBe('line one\nline two');
    expect(await page.locator('#messages .msg-user').count()).toBe(users);
    await page.reload();
    await page.waitForSelector('#status[data-state="idle"]');
    expect(await page.inputValue('#input')).toBe('line one\nline two');
    expect(await page.locator('#messages .msg-agent', { hasText: 'Here is' }).count()).toBe(1); // reloaded once, no duplicates
    await page.press('#input', 'Enter');
    await page.waitForSelector('#messages .msg-user:has-text("line two")');
    expect(await page.inputValue('#input')).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('mimikit:webui:composer-draft'))).toBeNull();
    await screenshot(page, 'chat-desktop');
    expect(errors).toEqual([]);
  });

  it('a task created through the script runs (the worker calls a tool) and finishes in the tasks panel; archive and artifact open', async () => {
    h.script([
      { match: { contains: 'REPORT-TASK' }, times: 1, reply: { toolCalls: [{ name: 'write_file', arguments: { path: 'generated/report.md', content: '# Report\nAll good.' } }] } },
      { match: { contains: 'REPORT-TASK' }, times: 1, reply: { text: 'Report written RESULT-MARK' } },
      { match: { contains: 'MAKE-REPORT' }, times: 1, reply: { text: 'On it.\n<M:create_task prompt="REPORT-TASK: write the report" title="Write report" profile="standard"/>' } },
      { match: { contains: 'RESULT-MARK' }, times: 1, reply: { text: 'The report is ready: [report](generated/report.md)' } },
      { reply: { text: 'Noted.' } },
    ]);
    mk = await startMimikit({ workDir: h.workDir, llmBaseUrl: `${h.gateway.url}/v1` });
    await openPage();
    await send('MAKE-REPORT now');
    const task = page.locator('#tasks .task', { hasText: 'Write report' });
    await task.waitFor();
    await page.waitForSelector('#tasks .task.status-succeeded:has-text("Write report")');
    expect(await task.locator('.task-status').textContent()).toBe('done');
    expect(await task.locator('.task-profile').textContent()).toBe('standard');
    expect(await task.locator('.task-elapsed').textContent()).toMatch(/^\d+s$/);
    expect(await task.locator('.task-cancel').count()).toBe(0);

    await task.locator('.task-archive').click();
    await page.waitForSelector('#archive-dialog[open]');
    const archive = await page.locator('#archive-text').textContent();
    expect(archive).toContain('REPORT-TASK: write the report');
    expect(archive).toContain('RESULT-MARK');
    await screenshot(page, 'tasks-archive');
    await page.click('#archive-close');

    const link = page.locator('#messages .msg-agent a', { hasText: 'report' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/artifacts/report.md');
    const artifact = await page.evaluate(async (href) => (await fetch(href!)).text(), await link.getAttribute('href'));
    expect(artifact).toBe('# Report\nAll good.');
    await screenshot(page, 'tasks-done');

    const download = page.waitForEvent('download');
    await page.click('#export');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^mimikit-chat-\d{8}-\d{6}\.md$/);
    const exported = await new Promise<string>((resolve, reject) => {
      void file.createReadStream().then((stream) => {
        let text = '';
        stream.on('data', (c: Buffer) => (text += c.toString()));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      }, reject);
    });
    expect(exported).toContain('## You · ');
    expect(exported).toContain('MAKE-REPORT now');
    expect(exported).toContain('The report is ready: [report](generated/report.md)');
    expect(errors).toEqual([]);
  });

  it('cancels a running task from the panel (elapsed ticks while it runs)', async () => {
    h.script([
      { match: { contains: 'SLOW-TASK' }, times: 1, reply: { fault: { hangBeforeHeaders: true } } },
      { match: { contains: 'START-SLOW' }, times: 1, reply: { text: 'Starting.\n<M:create_task prompt="SLOW-TASK forever" title="Slow job" profile="standard"/>' } },
      { reply: { text: 'Noted.' } },
    ]);
    mk = await startMimikit({ workDir: h.workDir, llmBaseUrl: `${h.gateway.url}/v1` });
    await openPage();
    await send('START-SLOW');
    const task = page.locator('#tasks .task', { hasText: 'Slow job' });
    await page.waitForSelector('#tasks .task.status-running:has-text("Slow job")');
    await page.waitForFunction(() => /^[1-9]\d*s$/.test(document.querySelector('#tasks .task.status-running .task-elapsed')?.textContent ?? ''));
    expect(await page.locator('#status').getAttribute('data-state')).toBe('running');
    await screenshot(page, 'task-running');
    await task.locator('.task-cancel').click();
    await page.waitForSelector('#tasks .task.status-canceled:has-text("Slow job")');
    expect(await task.locator('.task-cancel').count()).toBe(0);
    await page.waitForSelector('#messages .msg-system:has-text("Task canceled by you")');
    await page.waitForSelector('#status[data-state="idle"]');
    expect(errors).toEqual([]);
  });

  it('works on a phone-sized screen (390×844): no sideways scroll, composer in view, tasks as a drawer', async () => {
    h.script([{ reply: { text: 'A fairly long answer that has to wrap nicely on a narrow phone screen, with `inline code` and a [link](https://example.com/a/very/long/path/that/should/not/overflow/the/screen).' } }]);
    mk = await startMimikit({ workDir: h.workDir, llmBaseUrl: `${h.gateway.url}/v1` });
    await openPage({ width: 390, height: 844 });
    await send('Hello from the phone with a long line of text that wraps over several lines in the bubble');
    await page.waitForSelector('#messages .msg-agent:has-text("fairly long answer")');
    const layout = await page.evaluate(() => {
      const composer = document.querySelector('#composer')!.getBoundingClientRect();
      return { scrollWidth: document.documentElement.scrollWidth, composerBottom: composer.bottom, composerTop: composer.top, panelShown: getComputedStyle(document.querySelector('#tasks-panel')!).display !== 'none' };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(390);
    expect(layout.composerBottom).toBeLessThanOrEqual(844);
    expect(layout.composerTop).toBeGreaterThan(600);
    expect(layout.panelShown).toBe(false);
    for (const id of ['#tasks-toggle', '#export', '#restart', '#send']) expect(await page.locator(id).isVisible(), id).toBe(true);
    await screenshot(page, 'phone-chat');
    await page.click('#tasks-toggle');
    await page.waitForSelector('#tasks-panel', { state: 'visible' });
    await screenshot(page, 'phone-tasks');
    await page.click('#tasks-close');
    await page.waitForSelector('#tasks-panel', { state: 'hidden' });
    expect(errors).toEqual([]);
  });
});
