/** Session files (atomic, per session, with expiry and sweep) and the file store's in-memory counters. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { sessionFileName } from '../../../src/routecodex/manager/store/file/file-sessions.js';
import { emptySessionState, type SessionRoutingState } from '../../../src/routecodex/router/session/state.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { captureLogger, ERROR, fileStore } from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

async function setup() {
  const home = await tempDir('rcx-sessions-');
  cleanups.push(home.remove);
  const clock = new ManualClock(T);
  const cap = captureLogger();
  const store = fileStore(home.path, clock, cap.logger);
  const dir = path.join(home.path, 'state', 'router', 'unit', 'sessions');
  return { store, clock, cap, dir };
}

function sticky(sessionId: string, now = T): SessionRoutingState {
  return { ...emptySessionState(sessionId, now), stickyTarget: { provider: 'pb', model: 'm', name: 'pb.m' }, pins: { default: 'pb.key1.m' } };
}

describe('file sessions', () => {
  it('writes {version, sessionId, expiresAt, state} atomically, one file per session, and reads it back', async () => {
    const { store, dir } = await setup();
    const state = sticky('s-1');
    await store.sessions.put(state, HOUR);
    const names = await fs.readdir(dir);
    expect(names).toEqual([sessionFileName('s-1')]);
    expect(JSON.parse(await fs.readFile(path.join(dir, names[0]!), 'utf8'))).toEqual({ version: 1, sessionId: 's-1', expiresAt: T + HOUR, state });
    expect(await store.sessions.get('s-1', T)).toEqual(state);
    expect(await store.sessions.get('s-2', T)).toBeUndefined();
    await store.sessions.remove('s-1');
    expect(await store.sessions.get('s-1', T)).toBeUndefined();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('ids that clean up to the same file-safe text never share a file', async () => {
    const { store, dir } = await setup();
    const ids = ['a/b', 'a:b', 'a b', 'a_b', '../../etc/passwd', 'x'.repeat(500)];
    for (const id of ids) await store.sessions.put(sticky(id), HOUR);
    expect(new Set(ids.map(sessionFileName)).size).toBe(ids.length);
    expect((await fs.readdir(dir)).sort()).toEqual(ids.map(sessionFileName).sort());
    for (const id of ids) expect((await store.sessions.get(id, T))?.sessionId).toBe(id);
  });

  it('get returns nothing after expiresAt; a new write renews the expiry', async () => {
    const { store, clock } = await setup();
    await store.sessions.put(sticky('s'), HOUR);
    expect(await store.sessions.get('s', T + HOUR - 1)).toBeDefined();
    expect(await store.sessions.get('s', T + HOUR)).toBeUndefined();
    clock.advance(HOUR / 2);
    await store.sessions.put(sticky('s', clock.now()), HOUR);
    expect(await store.sessions.get('s', T + HOUR)).toBeDefined();
  });

  it('sweep deletes expired files, moves corrupt ones aside (reported once), and clears stale temp files', async () => {
    const { store, dir, cap } = await setup();
    await store.sessions.put(sticky('old'), HOUR);
    await store.sessions.put(sticky('young'), 3 * HOUR);
    await fs.writeFile(path.join(dir, sessionFileName('broken')), '{"version":1,"sessionId":"bro');
    await fs.writeFile(path.join(dir, sessionFileName('wrong-shape')), JSON.stringify({ version: 1, sessionId: 'wrong-shape', expiresAt: T + HOUR, state: { nope: true } }));
    const staleTemp = path.join(dir, `.${sessionFileName('young')}.123.abcd.tmp`);
    await fs.writeFile(staleTemp, '{');
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await fs.utimes(staleTemp, longAgo, longAgo);
    const freshTemp = path.join(dir, `.${sessionFileName('young')}.456.ef01.tmp`);
    await fs.writeFile(freshTemp, '{');

    expect(await store.sessions.get('broken', T)).toBeUndefined(); // tolerated, reported
    expect(await store.sessions.sweep(T + 2 * HOUR)).toBe(1);
    const names = await fs.readdir(dir);
    expect(names.sort()).toEqual(
      [sessionFileName('young'), `${sessionFileName('broken')}.corrupt`, `${sessionFileName('wrong-shape')}.corrupt`, path.basename(freshTemp)].sort(),
    );
    const errors = cap.lines.filter((l) => l.level === ERROR).map((l) => String(l.file));
    expect(errors).toEqual([path.join(dir, sessionFileName('broken')), path.join(dir, sessionFileName('broken')), path.join(dir, sessionFileName('wrong-shape'))]);
    expect(await store.sessions.sweep(T + 2 * HOUR)).toBe(0);
    expect(cap.lines.filter((l) => l.level === ERROR)).toHaveLength(3);
    expect(await store.sessions.get('young', T + 2 * HOUR)).toBeDefined();
  });

  it('sweep of a store that never wrote a session finds nothing', async () => {
    const { store } = await setup();
    expect(await store.sessions.sweep(T)).toBe(0);
  });

  it('concurrent writes to one session land in call order', async () => {
    const { store } = await setup();
    const writes = Array.from({ length: 20 }, (_, i) => store.sessions.put({ ...sticky('s'), updatedAt: T + i }, HOUR));
    await Promise.all(writes);
    expect((await store.sessions.get('s', T))?.updatedAt).toBe(T + 19);
  });

  it('subscribe never fires on a file store, and unsubscribing works', async () => {
    const { store } = await setup();
    const off = store.sessions.subscribe(() => expect.fail('a file store has no other writers'));
    await store.sessions.put(sticky('s'), HOUR);
    off();
  });
});

describe('file store counters (in memory, one process per file store)', () => {
  it('next returns the value before the increment, per name', async () => {
    const { store } = await setup();
    expect([await store.counters.next('a'), await store.counters.next('a'), await store.counters.next('b'), await store.counters.next('a')]).toEqual([0, 1, 0, 2]);
  });

  it('hitWindow counts the hits of a sliding window, this one included', async () => {
    const { store } = await setup();
    const hit = (now: number) => store.counters.hitWindow('w', 1_000, now);
    expect(await hit(T)).toBe(1);
    expect(await hit(T + 500)).toBe(2);
    expect(await hit(T + 999)).toBe(3);
    expect(await hit(T + 1_000)).toBe(3); // the hit at T left the window
    expect(await hit(T + 2_600)).toBe(1);
    expect(await store.counters.hitWindow('other', 1_000, T + 2_600)).toBe(1);
  });

  it('the file store says what it is and closes', async () => {
    const { store } = await setup();
    expect(store.kind).toBe('file');
    await store.close();
  });
});

