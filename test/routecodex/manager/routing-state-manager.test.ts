/**
 * RoutingStateManager over a real file store: the router's SessionStore with an LRU cache in front,
 * TTL renewed by every write, expired sessions swept by a timer, and store failures that never fail a request.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RoutingStateManager, type RoutingStateManagerOptions } from '../../../src/routecodex/manager/routing/routing-state-manager.js';
import { emptySessionState, type SessionRoutingState } from '../../../src/routecodex/router/session/state.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { captureLogger, contextOf, ERROR, fileStore, type CapturedLog } from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

async function homeDir(): Promise<string> {
  const home = await tempDir('rcx-rsm-');
  cleanups.push(home.remove);
  return home.path;
}

async function boot(home: string, clock: ManualClock, options: RoutingStateManagerOptions = {}): Promise<{ rsm: RoutingStateManager; cap: CapturedLog }> {
  const cap = captureLogger();
  const store = fileStore(home, clock, cap.logger);
  const rsm = new RoutingStateManager(options);
  rsm.init(await contextOf(store, home, clock, cap.logger, { sessionTtlMs: HOUR }));
  rsm.start();
  cleanups.push(async () => {
    await rsm.stop();
    await store.close();
  });
  return { rsm, cap };
}

const sessionsDir = (home: string) => path.join(home, 'state', 'router', 'unit', 'sessions');

function disabled(sessionId: string, now: number): SessionRoutingState {
  const s = emptySessionState(sessionId, now);
  return { ...s, disabled: { ...s.disabled, providers: ['pa'] } };
}

describe('RoutingStateManager', () => {
  it('serves what it stored, and a new process reads it back from the store', async () => {
    const home = await homeDir();
    const clock = new ManualClock(T);
    const { rsm } = await boot(home, clock);
    const state = disabled('s-1', T);
    await rsm.update(state.sessionId, () => state);
    expect(await rsm.get('s-1')).toEqual(state);
    expect(await rsm.get('unknown')).toBeUndefined();
    expect(await fs.readdir(sessionsDir(home))).toHaveLength(1);

    const { rsm: next } = await boot(home, clock);
    expect(await next.get('s-1')).toEqual(state);
    await next.update('s-1', () => undefined);
    expect(await next.get('s-1')).toBeUndefined();
    expect(await fs.readdir(sessionsDir(home))).toEqual([]);
  });

  it('a session expires sessionTtlMs after its last write; every write renews it', async () => {
    const home = await homeDir();
    const clock = new ManualClock(T);
    const { rsm } = await boot(home, clock);
    await rsm.update('s', () => disabled('s', T));
    clock.set(T + 50 * 60_000);
    await rsm.update('s', () => ({ ...disabled('s', T), updatedAt: clock.now() }));
    clock.set(T + 100 * 60_000); // 100 min after the first write, 50 after the last
    expect(await rsm.get('s')).toBeDefined();
    expect(await (await boot(home, clock)).rsm.get('s')).toBeDefined();
    clock.set(T + 110 * 60_000);
    expect(await rsm.get('s')).toBeUndefined();
    expect(await (await boot(home, clock)).rsm.get('s')).toBeUndefined();
  });

  it('keeps at most maxCachedSessions in memory; evicted sessions come back from the store', async () => {
    const home = await homeDir();
    const clock = new ManualClock(T);
    const { rsm } = await boot(home, clock, { maxCachedSessions: 2 });
    for (const id of ['a', 'b', 'c']) await rsm.update(id, () => disabled(id, T));
    // 'a' was evicted from the cache; its file still answers.
    await fs.rm(path.join(sessionsDir(home), (await fs.readdir(sessionsDir(home))).find((n) => n.startsWith('c-'))!));
    expect((await rsm.get('a'))?.sessionId).toBe('a');
    expect((await rsm.get('c'))?.sessionId).toBe('c'); // still cached (most recent)
  });

  it('sweeps expired sessions from the store on its timer', async () => {
    const home = await homeDir();
    const clock = new ManualClock(T);
    const { rsm, cap } = await boot(home, clock, { sweepIntervalMs: 5 });
    await rsm.update('old', () => disabled('old', T));
    clock.set(T + 30 * 60_000);
    await rsm.update('young', () => disabled('young', clock.now()));
    clock.set(T + HOUR + 1);
    const swept = await cap.waitFor(/expired session routing states removed/);
    expect(swept.removed).toBe(1);
    expect((await fs.readdir(sessionsDir(home))).map((n) => n.split('-')[0])).toEqual(['young']);
  });

  it('a store failure is logged and never fails the request; this process keeps the new state', async () => {
    const home = await homeDir();
    await fs.mkdir(path.join(home, 'state', 'router'), { recursive: true });
    await fs.writeFile(path.join(home, 'state', 'router', 'unit'), 'not a directory');
    const clock = new ManualClock(T);
    const { rsm, cap } = await boot(home, clock);
    const state = disabled('s', T);
    await expect(rsm.update(state.sessionId, () => state)).resolves.toEqual(state);
    expect(await rsm.get('s')).toEqual(state);
    const error = cap.lines.find((l) => l.level === ERROR && /SESSION PERSISTENCE FAILED/.test(String(l.msg)));
    expect(error?.msg).toMatch(/SESSION PERSISTENCE FAILED/);
    expect(error?.sessionId).toBe('s');
  });

  it('writes of one session reach the store in call order', async () => {
    const home = await homeDir();
    const clock = new ManualClock(T);
    const { rsm } = await boot(home, clock);
    await Promise.all(Array.from({ length: 10 }, (_, i) => rsm.update('s', () => ({ ...disabled('s', T), updatedAt: T + i }))));
    expect((await (await boot(home, clock)).rsm.get('s'))?.updatedAt).toBe(T + 9);
  });

  it('update is a read-modify-write: concurrent writers never lose each other\'s change', async () => {
    const home = await homeDir();
    const clock = new ManualClock(T);
    const { rsm } = await boot(home, clock);
    const base: SessionRoutingState = { ...disabled('s', T), stopMessage: { text: 'go on', maxRepeats: 100, used: 0, updatedAt: T } };
    await rsm.update(base.sessionId, () => base);
    // Counter bumps and pin changes interleaved, as a stopMessage loop and pin updates would.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rsm.update('s', (cur) =>
          i % 2 === 0
            ? { ...cur!, stopMessage: { ...cur!.stopMessage!, used: cur!.stopMessage!.used + 1 } }
            : { ...cur!, pins: { ...cur!.pins, [`route-${i}`]: 'pa.key1.m' } },
        ),
      ),
    );
    const after = await (await boot(home, clock)).rsm.get('s');
    expect(after?.stopMessage?.used).toBe(10);
    expect(Object.keys(after!.pins)).toHaveLength(10);
    // Returning the same state writes nothing; returning undefined deletes.
    expect(await rsm.update('s', (cur) => cur)).toEqual(after);
    expect(await rsm.update('s', () => undefined)).toBeUndefined();
    expect(await (await boot(home, clock)).rsm.get('s')).toBeUndefined();
  });
});
