import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { visibleToUser, type HistoryMessage } from '../model/index.js';
import { HistoryStore } from './history.js';
import { HistoryQueryError } from './history-search.js';
import { StorageValidationError, type CorruptLine } from './validated-jsonl.js';
import { appendRaw, fileLines, makeMessage, useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();
const DAY1 = new Date('2024-05-01T12:00:00Z');
const DAY2 = new Date('2024-05-02T12:00:00Z');
const DAY3 = new Date('2024-05-03T12:00:00Z');

async function newStore() {
  const paths = await newPaths();
  const corrupt: CorruptLine[] = [];
  return { paths, corrupt, store: new HistoryStore(paths, { onCorrupt: (c) => corrupt.push(c) }) };
}

const ids = (ms: Array<{ id: string }>) => ms.map((m) => m.id);

describe('HistoryStore writes', () => {
  it('writes a batch as lines of the UTC day file of `at`, in order', async () => {
    const { paths, store } = await newStore();
    await store.appendBatch([makeMessage('a'), makeMessage('b', { role: 'agent' })], new Date('2024-05-01T23:30:00-02:00'));
    const lines = await fileLines(paths.historyFile('2024-05-02'));
    expect(lines.map((l) => (JSON.parse(l) as HistoryMessage).id)).toEqual(['a', 'b']);
    expect(await store.listDays()).toEqual(['2024-05-02']);
  });

  it('never rewrites a day file: same inode, earlier bytes untouched, size grows', async () => {
    const { paths, store } = await newStore();
    await store.appendBatch([makeMessage('a'), makeMessage('b')], DAY1);
    const file = paths.historyFile(DAY1);
    const before = await fs.stat(file);
    const beforeBytes = await fs.readFile(file);
    await store.appendBatch([makeMessage('c')], DAY1);
    const after = await fs.stat(file);
    const afterBytes = await fs.readFile(file);
    expect(after.ino).toBe(before.ino);
    expect(after.size).toBeGreaterThan(before.size);
    expect(afterBytes.subarray(0, beforeBytes.length).equals(beforeBytes)).toBe(true);
  });

  it('refuses a batch with an invalid message and writes none of it', async () => {
    const { paths, store } = await newStore();
    const bad = { ...makeMessage('b'), role: 'robot' } as unknown as HistoryMessage;
    await expect(store.appendBatch([makeMessage('a'), bad], DAY1)).rejects.toThrow(StorageValidationError);
    await expect(fs.access(paths.historyFile(DAY1))).rejects.toThrow();
  });

  it('skips a torn last line; the next batch lands as valid lines', async () => {
    const { paths, store, corrupt } = await newStore();
    await store.appendBatch([makeMessage('a')], DAY1);
    await appendRaw(paths.historyFile(DAY1), '{"id":"agent-b1","role":"agent","te');
    expect(ids(await store.readRecent({ limit: 10 }))).toEqual(['a']);
    expect(corrupt).toHaveLength(1);
    await store.appendBatch([makeMessage('b'), makeMessage('agent-b1', { role: 'agent' })], DAY1);
    expect(ids(await store.readRecent({ limit: 10 }))).toEqual(['agent-b1', 'b', 'a']);
    expect(await fileLines(paths.historyFile(DAY1))).toHaveLength(4);
  });
});

describe('HistoryStore reads', () => {
  async function threeDays() {
    const ctx = await newStore();
    await ctx.store.appendBatch([makeMessage('d1-a'), makeMessage('d1-b', { role: 'agent' })], DAY1);
    await ctx.store.appendBatch([makeMessage('d2-a'), makeMessage('d2-sys', { role: 'system', visibility: 'agent' })], DAY2);
    await ctx.store.appendBatch([makeMessage('d3-a'), makeMessage('d3-b', { role: 'agent' })], DAY3);
    return ctx;
  }

  it('readRecent returns the newest messages first across day files', async () => {
    const { store } = await threeDays();
    expect(ids(await store.readRecent({ limit: 3 }))).toEqual(['d3-b', 'd3-a', 'd2-sys']);
    expect(ids(await store.readRecent({ limit: 100 }))).toEqual(['d3-b', 'd3-a', 'd2-sys', 'd2-a', 'd1-b', 'd1-a']);
    expect(ids(await store.readRecent({ limit: 3, filter: visibleToUser }))).toEqual(['d3-b', 'd3-a', 'd2-a']);
    expect(await store.readRecent({ limit: 0 })).toEqual([]);
  });

  it('readRecent stops reading once it has enough (older days are not opened)', async () => {
    const { paths, store, corrupt } = await threeDays();
    await appendRaw(paths.historyFile(DAY1), 'not json\n'); // reported if, and only if, day 1 is read
    expect(ids(await store.readRecent({ limit: 4 }))).toEqual(['d3-b', 'd3-a', 'd2-sys', 'd2-a']);
    expect(corrupt).toHaveLength(0);
    expect(ids(await store.readRecent({ limit: 5 }))).toEqual(['d3-b', 'd3-a', 'd2-sys', 'd2-a', 'd1-b']);
    expect(corrupt).toHaveLength(1);
  });

  it('returns a duplicated id once, the first copy (a batch re-run after a crash)', async () => {
    const { store } = await newStore();
    await store.appendBatch([makeMessage('in-1', { text: 'first' })], DAY1);
    await store.appendBatch([makeMessage('in-1', { text: 'rerun same day' }), makeMessage('agent-b1', { role: 'agent' })], DAY1);
    await store.appendBatch([makeMessage('in-1', { text: 'rerun next day' }), makeMessage('in-2')], DAY2);
    const recent = await store.readRecent({ limit: 10 });
    expect(ids(recent)).toEqual(['in-2', 'agent-b1', 'in-1']);
    expect(recent.find((m) => m.id === 'in-1')?.text).toBe('first');
    const scanned: HistoryMessage[] = [];
    for await (const m of store.scanFrom()) scanned.push(m);
    expect(scanned.map((m) => `${m.id}:${m.text}`)).toEqual(['in-1:first', 'agent-b1:text of agent-b1', 'in-2:text of in-2']);
  });

  it('scanFrom yields oldest first from the given day', async () => {
    const { store } = await threeDays();
    const out: string[] = [];
    for await (const m of store.scanFrom('2024-05-02')) out.push(m.id);
    expect(out).toEqual(['d2-a', 'd2-sys', 'd3-a', 'd3-b']);
  });

  it('findByIds finds the requested messages from a day on', async () => {
    const { store } = await threeDays();
    const found = await store.findByIds(['d1-a', 'd3-b', 'missing']);
    expect([...found.keys()].sort()).toEqual(['d1-a', 'd3-b']);
    expect([...(await store.findByIds(['d1-a', 'd3-b'], DAY2)).keys()]).toEqual(['d3-b']);
  });

  it('ignores foreign files in history/', async () => {
    const { paths, store } = await threeDays();
    await fs.writeFile(`${paths.historyDir}/notes.txt`, 'x');
    await fs.mkdir(`${paths.historyFile(DAY3)}.lock`);
    expect(await store.listDays()).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
  });
});

describe('HistoryStore.search', () => {
  async function corpus() {
    const ctx = await newStore();
    await ctx.store.appendBatch(
      [
        makeMessage('m1', { text: 'Booked the Flight to Paris', createdAt: '2024-05-01T08:00:00.000Z' }),
        makeMessage('m2', { role: 'agent', text: 'Paris hotel options', createdAt: '2024-05-01T09:00:00.000Z' }),
        makeMessage('m3', { role: 'system', visibility: 'agent', text: 'paris flight task finished', createdAt: '2024-05-01T10:00:00.000Z' }),
        makeMessage('m4', { role: 'system', visibility: 'user', text: 'paris flight shown to user only', createdAt: '2024-05-01T10:30:00.000Z' }),
      ],
      DAY1,
    );
    await ctx.store.appendBatch(
      [
        makeMessage('m5', { text: 'what about paris?', createdAt: '2024-05-02T08:00:00.000Z' }),
        makeMessage('m6', { role: 'agent', text: 'Weather is fine', createdAt: '2024-05-02T09:00:00.000Z' }),
      ],
      DAY2,
    );
    return ctx;
  }

  it('ranks by matched terms, then recency; case-insensitive; default roles user+agent', async () => {
    const { store } = await corpus();
    const hits = await store.search({ query: 'PARIS flight' });
    expect(hits.map((h) => h.id)).toEqual(['m1', 'm5', 'm2']);
    expect(hits[0]).toMatchObject({ id: 'm1', role: 'user', createdAt: '2024-05-01T08:00:00.000Z', text: 'Booked the Flight to Paris' });
    expect(Math.floor(hits[0]?.score ?? 0)).toBe(2);
    expect(hits[1]?.score).toBeGreaterThan(hits[2]?.score ?? Infinity); // same terms: newer wins
    expect(hits[1]?.score).toBeLessThan(1.06);
  });

  it('filters by role (system messages only when agent-visible) and limits', async () => {
    const { store } = await corpus();
    expect((await store.search({ query: 'paris', roles: ['system'] })).map((h) => h.id)).toEqual(['m3']);
    expect(await store.search({ query: 'paris', limit: 1 })).toHaveLength(1);
    expect(await store.search({ query: 'paris', limit: 0 })).toHaveLength(1);
  });

  it('filters by an inclusive time range given in either order', async () => {
    const { store } = await corpus();
    const range = { query: 'paris', roles: ['user', 'agent', 'system'] as const };
    const forward = await store.search({ ...range, from: '2024-05-01T09:00:00.000Z', to: '2024-05-02T08:00:00Z' });
    expect(forward.map((h) => h.id).sort()).toEqual(['m2', 'm3', 'm5']);
    const reversed = await store.search({ ...range, from: '2024-05-02T08:00:00Z', to: '2024-05-01T09:00:00.000Z' });
    expect(reversed.map((h) => h.id).sort()).toEqual(['m2', 'm3', 'm5']);
    expect((await store.search({ ...range, from: '2024-05-02', to: '2024-05-02' })).map((h) => h.id)).toEqual(['m5']);
  });

  it('searches only before a message id, and rejects an unknown one', async () => {
    const { store } = await corpus();
    expect((await store.search({ query: 'paris', beforeId: 'm3' })).map((h) => h.id).sort()).toEqual(['m1', 'm2']);
    await expect(store.search({ query: 'paris', beforeId: 'nope' })).rejects.toThrow(HistoryQueryError);
  });

  it('rejects a query without terms and a malformed date', async () => {
    const { store } = await corpus();
    await expect(store.search({ query: ' ,. ' })).rejects.toThrow(/no search terms/);
    await expect(store.search({ query: 'paris', from: 'yesterday' })).rejects.toThrow(/from is not an ISO/);
  });
});
