/**
 * The WebUI across runtime lifecycles, with the real CLI (supervisor + runtime process): restart and reset
 * from the UI reload the page onto a NEW runtime; with no model provider the page says what to set; with
 * MIMIKIT_API_TOKEN the page works when opened as /?token=… and says what is missing otherwise.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../harness.js';
import { launchBrowser, screenshot, startMimikit, watchErrors, type MimikitProcess } from './support.js';

let browser: Browser;
let h: Harness;
let mk: MimikitProcess | undefined;
let page: Page | undefined;
const cleanup: string[] = [];

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
  page = undefined;
  await mk?.stop();
  mk = undefined;
  await h.close();
  for (const dir of cleanup.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function newPage(url: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url);
  return { page, errors };
}

async function runtimeIdOf(p: Page): Promise<string> {
  return p.evaluate(async () => ((await (await fetch('/api/status')).json()) as { runtimeId: string }).runtimeId);
}

describe('WebUI lifecycle', () => {
  it('restart, then reset, from the UI: confirmation, the page reloads onto the new runtime; reset starts from nothing; an outside restart resyncs the page', async () => {
    h.script([{ match: { contains: 'REMEMBER-ME' }, reply: { text: 'I will remember.' } }, { reply: { text: 'Noted.' } }]);
    mk = await startMimikit({ workDir: h.workDir, llmBaseUrl: `${h.gateway.url}/v1` });
    const { page: p, errors } = await newPage(mk.url);
    await p.waitForSelector('#status[data-state="idle"]');
    await p.fill('#input', 'REMEMBER-ME');
    await p.press('#input', 'Enter');
    await p.waitForSelector('#messages .msg-agent:has-text("I will remember.")');
    const first = mk.runtimeIds()[0]!;
    expect(await runtimeIdOf(p)).toBe(first);

    await p.click('#restart');
    await p.waitForSelector('#restart-dialog[open]');
    await screenshot(p, 'restart-dialog');
    await p.click('#restart-cancel'); // the confirmation really is one: cancel does nothing
    await p.locator('#restart-dialog').waitFor({ state: 'hidden' });
    await p.evaluate(() => ((window as unknown as { beforeRestart: boolean }).beforeRestart = true));
    await p.click('#restart');
    const reloaded = p.waitForEvent('load', { timeout: 45_000 });
    await p.click('#restart-confirm');
    await p.waitForSelector('#status[data-state="restarting"]');
    await reloaded;
    const second = await mk.waitForRuntime(2);
    expect(second).not.toBe(first);
    expect(await p.evaluate(() => (window as unknown as { beforeRestart?: boolean }).beforeRestart)).toBeUndefined(); // a real reload
    await p.waitForSelector('#status[data-state="idle"]');
    expect(await runtimeIdOf(p)).toBe(second);
    await p.waitForSelector('#messages .msg-agent:has-text("I will remember.")'); // the conversation survived
    expect(await p.locator('#messages .msg-system', { hasText: 'Started' }).count()).toBe(2);

    // A restart the page did not ask for (the restart_server action): the event stream reconnects to the
    // new runtime, is told to reset, and the page reloads its state (not itself), with no duplicates.
    await p.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const restarted = await fetch(`${mk.url}/api/restart`, { method: 'POST', headers: { 'x-mimikit-request': '1' } });
    expect(restarted.status).toBe(200);
    const third = await mk.waitForRuntime(3);
    await p.waitForFunction(() => document.querySelectorAll('#messages .msg-system').length === 3 && document.querySelector('#status')?.getAttribute('data-state') === 'idle', undefined, { timeout: 20_000 });
    expect(await p.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await p.locator('#messages .msg-agent', { hasText: 'I will remember.' }).count()).toBe(1);

    await p.click('#restart');
    await p.click('#reset-confirm');
    await p.waitForSelector('#reset-warning:not([hidden])');
    expect(await p.locator('#reset-confirm').textContent()).toBe('Erase everything and reset');
    await screenshot(p, 'reset-confirm');
    const reloadedAgain = p.waitForEvent('load', { timeout: 45_000 });
    await p.click('#reset-confirm');
    await reloadedAgain;
    const fourth = await mk.waitForRuntime(4);
    expect(new Set([first, second, third, fourth]).size).toBe(4);
    await p.waitForSelector('#status[data-state="idle"]');
    expect(await runtimeIdOf(p)).toBe(fourth);
    await p.waitForSelector('#messages .msg-system:has-text("Started")');
    expect(await p.locator('#messages .msg-agent').count()).toBe(0); // the work dir was emptied
    expect(await p.locator('#messages .msg').count()).toBe(1);
    expect(mk.stderr()).toContain('emptied');
    expect(errors).toEqual([]);
  }, 120_000);

  it('with no model provider the page says what to set', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-noprovider-'));
    cleanup.push(home);
    const env = { PATH: process.env.PATH ?? '', HOME: home, ROUTECODEX_HOME: path.join(home, '.routecodex') };
    mk = await startMimikit({ workDir: h.workDir, env });
    const { page: p, errors } = await newPage(mk.url);
    const banner = p.locator('#setup-banner');
    await banner.waitFor();
    const text = await banner.textContent();
    expect(text).toContain('No model provider is configured');
    expect(text).toContain('MIMIKIT_LLM_BASE_URL');
    expect(text).toContain('OPENAI_API_KEY');
    await p.waitForSelector('#messages .msg-system:has-text("No model provider is configured")');
    await screenshot(p, 'no-provider');
    expect(errors).toEqual([]);
  });

  it('with MIMIKIT_API_TOKEN: /?token=… works (and leaves the address bar); without it the page says what is missing', async () => {
    const token = 'browser-token-abcdef0123';
    h.script([{ reply: { text: 'Authorized reply.' } }]);
    mk = await startMimikit({ workDir: h.workDir, llmBaseUrl: `${h.gateway.url}/v1`, env: { ...process.env, MIMIKIT_API_TOKEN: token } });

    const { page: denied } = await newPage(mk.url);
    await denied.waitForSelector('#setup-banner:not([hidden])');
    expect(await denied.locator('#setup-banner').textContent()).toContain('/?token=');
    await denied.context().close();

    const { page: p, errors } = await newPage(`${mk.url}/?token=${token}`);
    await p.waitForSelector('#status[data-state="idle"]');
    expect(p.url()).toBe(`${mk.url}/`);
    await p.fill('#input', 'hello with a token');
    await p.press('#input', 'Enter');
    await p.waitForSelector('#messages .msg-agent:has-text("Authorized reply.")');
    await p.reload(); // the token stays for the tab (sessionStorage)
    await p.waitForSelector('#messages .msg-agent:has-text("Authorized reply.")');
    expect(await p.locator('#setup-banner').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });
});
