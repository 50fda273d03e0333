/** Byte caps for tool output: keep the head and the tail, say how much was left out. */

export function omittedMarker(bytes: number): string {
  return `\n… ${bytes} bytes omitted …\n`;
}

/**
 * Collects a stream of chunks in bounded memory: the first `maxBytes / 2` bytes and the last
 * `maxBytes / 2` bytes, counting everything.
 */
export class HeadTailBuffer {
  private readonly headCap: number;
  private readonly tailCap: number;
  private head: Buffer[] = [];
  private headLen = 0;
  private tail: Buffer[] = [];
  private tailLen = 0;
  private total = 0;

  constructor(maxBytes: number) {
    this.headCap = Math.ceil(maxBytes / 2);
    this.tailCap = Math.floor(maxBytes / 2);
  }

  get totalBytes(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headLen < this.headCap) {
      const take = Math.min(this.headCap - this.headLen, rest.length);
      this.head.push(rest.subarray(0, take));
      this.headLen += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0 || this.tailCap === 0) return;
    this.tail.push(rest);
    this.tailLen += rest.length;
    // Drop whole chunks from the front while the rest still fills the tail, then trim the first one.
    while (this.tail.length > 1 && this.tailLen - (this.tail[0]?.length ?? 0) >= this.tailCap) {
      this.tailLen -= this.tail.shift()?.length ?? 0;
    }
    const first = this.tail[0];
    if (first && this.tailLen > this.tailCap) {
      const cut = this.tailLen - this.tailCap;
      this.tail[0] = first.subarray(cut);
      this.tailLen -= cut;
    }
  }

  toString(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    const omitted = this.total - this.headLen - this.tailLen;
    return omitted > 0 ? `${head}${omittedMarker(omitted)}${tail}` : head + tail;
  }
}

/** Caps a whole text to about `maxBytes` (UTF-8), keeping its head and tail. */
export function capText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const buf = new HeadTailBuffer(maxBytes);
  buf.push(bytes);
  return buf.toString();
}

/** A one-line preview for progress events and logs. */
export function preview(text: string, maxChars = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat;
}
