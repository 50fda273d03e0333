import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { inputPacketSchema, type InputPacket } from '../model/index.js';
import { normalizeCursor, PacketQueue } from './queue.js';
import type { CorruptLine } from './validated-jsonl.js';
import { StorageValidationError } from './validated-jsonl.js';
import { appendRaw, fileLines, useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();

function packet(n: number): InputPacket {
  const createdAt = new Date(1_714_556_400_000 + n).toISOString();
  return { id: `in-${n}`, createdAt, payload: { id: `in-${n}`, role: 'user', text: `message ${n}`, createdAt, wake: 'user_input' } };
}

async function newQueue() {
  const paths = await newPaths();
  const corrupt: CorruptLine[] = [];
  const queue = new PacketQueue(paths.inputsFile, inputPacketSchema, { onCorrupt: (c) => corrupt.push(c) });
  return { paths, queue, corrupt };
}

const ids = (packets: InputPacket[]) => packets.map((p) => p.id);

describe('PacketQueue', () => {
  it('appends packets and reads them from a cursor', async () => {
    const { queue } = await newQueue();
    expect(await queue.readFrom(0)).toEqual({ packets: [], total: 0, cursor: 0 });
    for (let n = 0; n < 3; n++) await queue.append(packet(n));
    expect(await queue.readFrom(0)).toMatchObject({ total: 3, cursor: 0 });
    expect(ids((await queue.readFrom(0)).packets)).toEqual(['in-0', 'in-1', 'in-2']);
    expect(ids((await queue.readFrom(2)).packets)).toEqual(['in-2']);
    expect((await queue.readFrom(3)).packets).toEqual([]);
  });

  it('refuses an invalid packet and writes nothing', async () => {
    const { queue } = await newQueue();
    await queue.append(packet(0));
    const bad = { ...packet(1), payload: { ...packet(1).payload, wake: 'bogus' } } as unknown as InputPacket;
    await expect(queue.append(bad)).rejects.toThrow(StorageValidationError);
    expect((await queue.readFrom(0)).total).toBe(1);
  });

  it('skips a torn last line, and the next append lands as its own valid line', async () => {
    const { queue, corrupt } = await newQueue();
    await queue.append(packet(0));
    await queue.append(packet(1));
    await appendRaw(queue.file, '{"id":"in-2","createdAt":"2024-'); // crash mid-append
    const before = await queue.readFrom(0);
    expect(before.total).toBe(2);
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]?.preview).toContain('"in-2"');

    await queue.append(packet(3));
    const lines = await fileLines(queue.file);
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[3] as string)).toEqual(packet(3));
    expect(ids((await queue.readFrom(2)).packets)).toEqual(['in-3']);
  });

  it('keeps cursors stable across corrupt and schema-invalid lines, reporting each once', async () => {
    const { queue, corrupt } = await newQueue();
    await queue.append(packet(0));
    await queue.append(packet(1));
    await appendRaw(queue.file, 'garbage{\n{"id":"x","createdAt":"y","payload":{}}\n');
    await queue.append(packet(2));
    const first = await queue.readFrom(2);
    expect(first.total).toBe(3);
    expect(ids(first.packets)).toEqual(['in-2']);
    await queue.append(packet(3));
    expect(ids((await queue.readFrom(3)).packets)).toEqual(['in-3']);
    expect(corrupt.map((c) => c.error.startsWith('schema:'))).toEqual([false, true]); // once each, not per read
  });

  it('survives concurrent appends: every packet is one valid line', async () => {
    const { queue } = await newQueue();
    await Promise.all(Array.from({ length: 40 }, (_, n) => queue.append(packet(n))));
    const read = await queue.readFrom(0);
    expect(read.total).toBe(40);
    expect(new Set(ids(read.packets)).size).toBe(40);
  });

  it('compacts only when at least minPackets are all consumed', async () => {
    const { queue } = await newQueue();
    for (let n = 0; n < 100; n++) await queue.append(packet(n));
    expect(await queue.compactIfConsumed(99)).toBe(false);
    expect((await queue.readFrom(0)).total).toBe(100);
    expect(await queue.compactIfConsumed(100)).toBe(true);
    expect((await fs.stat(queue.file)).size).toBe(0);
    expect(await queue.readFrom(0)).toEqual({ packets: [], total: 0, cursor: 0 });

    for (let n = 0; n < 5; n++) await queue.append(packet(n));
    expect(await queue.compactIfConsumed(5)).toBe(false); // default minimum is 100
    expect(await queue.compactIfConsumed(5, 5)).toBe(true);
    expect(await queue.compactIfConsumed(0, 0)).toBe(false); // nothing to compact
  });

  it('crash between compaction and persisting cursor 0: a cursor past the end reads as 0', async () => {
    const { queue } = await newQueue();
    for (let n = 0; n < 120; n++) await queue.append(packet(n));
    expect(await queue.compactIfConsumed(120)).toBe(true);
    // ... crash: the snapshot still says 120. New packets arrive after the restart.
    for (let n = 200; n < 203; n++) await queue.append(packet(n));
    const read = await queue.readFrom(120);
    expect(read.cursor).toBe(0);
    expect(ids(read.packets)).toEqual(['in-200', 'in-201', 'in-202']);
    // A stale cursor never counts as "consumed": compaction must not drop the unread packets.
    expect(await queue.compactIfConsumed(120, 1)).toBe(false);
    expect((await queue.readFrom(0)).total).toBe(3);
  });
});

describe('normalizeCursor', () => {
  it('maps a cursor past the end (compacted file) and invalid cursors to 0', () => {
    expect(normalizeCursor(120, 3)).toBe(0);
    expect(normalizeCursor(3, 3)).toBe(3);
    expect(normalizeCursor(2, 3)).toBe(2);
    expect(normalizeCursor(-1, 3)).toBe(0);
    expect(normalizeCursor(1.5, 3)).toBe(0);
  });
});
