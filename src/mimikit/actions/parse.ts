/**
 * A manager reply = visible text + a trailing action zone: `M:` tags at the very end, separated only
 * by whitespace. Tags elsewhere (outside code) are not actions and are removed from the visible text;
 * tags inside code are text.
 */
import { scanTags, type ScannedTag } from './scanner.js';

export interface ParsedAction {
  name: string;
  attrs: Record<string, string>;
  /** The text between `<M:name …>` and `</M:name>`, as written. */
  content?: string;
  /** The tag exactly as written (for feedback). */
  raw: string;
  /** Malformed attribute syntax (validation reports it). */
  syntaxError?: string;
}

export interface ParsedReply {
  text: string;
  actions: ParsedAction[];
}

export function parseReply(text: string): ParsedReply {
  const scan = scanTags(text);
  const end = scan.danglingStart ?? text.length;
  let zoneStart = end;
  let firstZoneTag = scan.tags.length;
  for (let i = scan.tags.length - 1; i >= 0; i--) {
    const tag = scan.tags[i];
    if (!tag || text.slice(tag.end, zoneStart).trim() !== '') break;
    zoneStart = tag.start;
    firstZoneTag = i;
  }
  const actions: ParsedAction[] = [];
  for (const tag of scan.tags.slice(firstZoneTag)) {
    if (tag.kind === 'close') continue;
    actions.push(toAction(text, tag));
  }
  const visible = removeTags(text.slice(0, zoneStart), scan.tags.slice(0, firstZoneTag));
  return { text: visible.trimEnd(), actions };
}

/** Removes every `M:` tag outside code (paired blocks with their content, e.g. `system_event`), for display. */
export function stripHiddenTags(text: string): string {
  const scan = scanTags(text);
  return removeTags(text.slice(0, scan.danglingStart ?? text.length), scan.tags).trim();
}

function toAction(text: string, tag: ScannedTag): ParsedAction {
  const action: ParsedAction = { name: tag.name, attrs: tag.attrs, raw: text.slice(tag.start, tag.end) };
  if (tag.content !== undefined) action.content = tag.content;
  if (tag.error !== undefined) action.syntaxError = tag.error;
  return action;
}

/** Cuts the tags out; a tag alone on its line takes the line with it. */
function removeTags(text: string, tags: ScannedTag[]): string {
  let out = '';
  let pos = 0;
  for (const tag of tags) {
    if (tag.start < pos || tag.end > text.length) continue;
    let start = tag.start;
    let end = tag.end;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const nl = text.indexOf('\n', end);
    const lineEnd = nl === -1 ? text.length : nl;
    if (lineStart >= pos && text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd).trim() === '') {
      start = lineStart;
      end = nl === -1 ? lineEnd : nl + 1;
    }
    out += text.slice(pos, start);
    pos = end;
  }
  return out + text.slice(pos);
}
