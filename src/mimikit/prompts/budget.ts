/**
 * Keeping a prompt under `manager.prompt.maxTokens`. Tokens are estimated as ceil(utf8 bytes / 4),
 * which over-counts for English and is close for CJK: safe without a tokenizer.
 *
 * Sections are joined with a blank line. Over budget, droppable sections go in ascending `dropOrder`;
 * a droppable section that is also truncatable is first cut from its start (oldest content first) as
 * far as needed, and dropped only if even that is not enough. Then the non-droppable truncatable
 * sections are cut. If the core still does not fit, the result says `overBudget` (never throws).
 */

export interface BudgetSection {
  name: string;
  text: string;
  /** Droppable, the lowest first; absent = part of the core. */
  dropOrder?: number;
  /** May lose content from its start. */
  truncatable?: boolean;
}

export interface BudgetResult {
  text: string;
  tokens: number;
  dropped: string[];
  truncated: string[];
  overBudget: boolean;
}

const SEPARATOR = '\n\n';
const TEXT_MARKER = '[… earlier content truncated]';
const YAML_MARKER = '# [… earlier entries truncated]';

export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

export function fitToBudget(sections: readonly BudgetSection[], maxTokens: number): BudgetResult {
  const parts = sections.filter((s) => s.text !== '').map((s) => ({ ...s, bytes: bytesOf(s.text), live: true }));
  const dropped: string[] = [];
  const truncated: string[] = [];
  const maxBytes = Math.max(0, maxTokens) * 4;
  const totalBytes = () => {
    const live = parts.filter((p) => p.live);
    return live.reduce((sum, p) => sum + p.bytes, 0) + Math.max(0, live.length - 1) * SEPARATOR.length;
  };
  const shrink = (part: (typeof parts)[number], canDrop: boolean) => {
    if (part.truncatable) {
      const cut = truncateFromStart(part.text, part.bytes - (totalBytes() - maxBytes));
      if (cut !== undefined || !canDrop) {
        const text = cut ?? truncateFromStart(part.text, 0, true) ?? part.text;
        if (text !== part.text) {
          part.text = text;
          part.bytes = bytesOf(text);
          truncated.push(part.name);
        }
        return;
      }
    }
    if (canDrop) {
      part.live = false;
      dropped.push(part.name);
    }
  };
  const droppable = parts.filter((p) => p.dropOrder !== undefined).sort((a, b) => (a.dropOrder ?? 0) - (b.dropOrder ?? 0));
  for (const part of droppable) if (totalBytes() > maxBytes) shrink(part, true);
  for (const part of parts) if (totalBytes() > maxBytes && part.dropOrder === undefined && part.truncatable) shrink(part, false);
  const text = parts
    .filter((p) => p.live)
    .map((p) => p.text)
    .join(SEPARATOR);
  return { text, tokens: estimateTokens(text), dropped, truncated, overBudget: totalBytes() > maxBytes };
}

/**
 * Cuts `text` from its start to at most `maxBytes`, at line boundaries (whole YAML list items when the
 * body is a YAML list), keeping an `<M:…>` wrapper and any lines before the first list item, and
 * marking the cut. Undefined when not even the marker fits; `minimal` = cut everything cuttable.
 */
export function truncateFromStart(text: string, maxBytes: number, minimal = false): string | undefined {
  const lines = text.split('\n');
  const head = /^<M:[\w.-]+>$/.test(lines[0] ?? '') && lines.length > 1 ? [lines.shift() ?? ''] : [];
  const tail = /^<\/M:[\w.-]+>$/.test(lines.at(-1) ?? '') && lines.length > 0 ? [lines.pop() ?? ''] : [];
  const units = splitUnits(lines);
  const marker = units.yaml ? YAML_MARKER : TEXT_MARKER;
  const assemble = (body: string[]) => [...head, ...units.header, marker, ...body, ...tail].join('\n');
  let body = units.items;
  while (body.length > 0 && (minimal || bytesOf(assemble(body.flat())) > maxBytes)) body = body.slice(1);
  if (body.length === 0 && !minimal && !units.yaml && units.items.length > 0) {
    // One long last line: keep its end.
    const last = units.items.at(-1) ?? [];
    const room = maxBytes - bytesOf(assemble([])) - 1;
    const kept = room > 0 ? tailBytes(last.join('\n'), room) : '';
    if (kept !== '') return assemble([kept]);
  }
  const out = assemble(body.flat());
  return bytesOf(out) <= maxBytes || minimal ? out : undefined;
}

/** Lines grouped into cuttable units: YAML list items at the shallowest item indent, else single lines. */
function splitUnits(lines: string[]): { header: string[]; items: string[][]; yaml: boolean } {
  const itemIndents = lines.map((l) => /^(\s*)- /.exec(l)?.[1]?.length).filter((n): n is number => n !== undefined);
  if (itemIndents.length === 0) return { header: [], items: lines.map((l) => [l]), yaml: false };
  const indent = Math.min(...itemIndents);
  const isItem = (l: string) => l.startsWith(`${' '.repeat(indent)}- `);
  const first = lines.findIndex(isItem);
  const items: string[][] = [];
  for (const line of lines.slice(first)) {
    if (isItem(line) || items.length === 0) items.push([line]);
    else items.at(-1)?.push(line);
  }
  return { header: lines.slice(0, first), items, yaml: true };
}

function bytesOf(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The last `max` bytes of `text`, starting at a character boundary. */
function tailBytes(text: string, max: number): string {
  const buf = Buffer.from(text, 'utf8');
  let start = Math.max(0, buf.length - max);
  while (start < buf.length && ((buf[start] ?? 0) & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString('utf8');
}
