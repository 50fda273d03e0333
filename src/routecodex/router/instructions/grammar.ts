/**
 * The tag grammar (ROUTECODEX.md §5), applied to a tag body after trimming. Every name is checked
 * against the catalog: a tag naming an unknown provider, alias, key index or model is not an
 * instruction (undefined), and stays in the text.
 */
import { parseTarget } from '../../config/names.js';
import type { StickyTarget } from '../session/state.js';
import { parseStopMessage } from './stop-message.js';
import type { InstructionCatalog, ListItem, RoutingInstruction } from './types.js';

const STOP_MESSAGE = 'stopMessage:';

const isProvider = (name: string, catalog: InstructionCatalog): boolean => catalog.providers().includes(name);

/**
 * `provider`, `provider.model`, `provider.alias` or `provider.N`. Model names may contain dots, so a
 * model match wins; then an alias; then a digit string is a 1-based key index.
 */
export function parseListItem(text: string, catalog: InstructionCatalog): ListItem | undefined {
  const dot = text.indexOf('.');
  if (dot === -1) return isProvider(text, catalog) ? { kind: 'provider', provider: text } : undefined;
  const provider = text.slice(0, dot);
  const rest = text.slice(dot + 1);
  const aliases = catalog.aliasesOf(provider);
  if (!aliases || rest === '') return undefined;
  if (catalog.hasModel(provider, rest)) return { kind: 'model', ref: { provider, model: rest } };
  const aliasPosition = aliases.indexOf(rest);
  if (aliasPosition !== -1) return { kind: 'key', ref: { provider, alias: rest }, alias: rest, index: aliasPosition + 1 };
  if (/^\d+$/.test(rest)) {
    const index = Number(rest);
    const alias = aliases[index - 1];
    if (index >= 1 && alias !== undefined) return { kind: 'key', ref: { provider, index }, alias, index };
  }
  return undefined;
}

const itemKey = (item: ListItem): string => JSON.stringify(item.kind === 'provider' ? item : item.ref);

/** A comma list of items; undefined when empty or when any item is unknown. */
function parseList(text: string, catalog: InstructionCatalog): ListItem[] | undefined {
  const items: ListItem[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const item = parseListItem(part.trim(), catalog);
    if (!item) return undefined;
    if (seen.has(itemKey(item))) continue;
    seen.add(itemKey(item));
    items.push(item);
  }
  return items;
}

/** `!a,b` / `!provider` (allow-list), `!provider.model`, `!provider.alias.model`, `!provider.N` (sticky). */
function parseBang(body: string, tag: string, catalog: InstructionCatalog): RoutingInstruction | undefined {
  if (body.includes(',') || !body.includes('.')) {
    const providers = body.split(',').map((p) => p.trim());
    if (!providers.every((p) => isProvider(p, catalog))) return undefined;
    return { tag, type: 'allow', providers: [...new Set(providers)] };
  }
  const target = parseTarget(body, catalog);
  if (target) {
    const sticky: StickyTarget = { provider: target.providerId, model: target.model, name: body };
    if (target.alias !== undefined) sticky.alias = target.alias;
    return { tag, type: 'sticky', target: sticky };
  }
  const item = parseListItem(body, catalog);
  if (item?.kind !== 'key') return undefined;
  return { tag, type: 'sticky', target: { ...item.ref, name: body } };
}

/** The instruction a tag stands for, or undefined when the tag is malformed or names something unknown. */
export function parseTagBody(rawBody: string, tag: string, catalog: InstructionCatalog): RoutingInstruction | undefined {
  const body = rawBody.trim();
  if (body === '') return undefined;
  if (body === 'clear') return { tag, type: 'clear' };
  if (body.startsWith(STOP_MESSAGE)) {
    const stop = parseStopMessage(body.slice(STOP_MESSAGE.length));
    if (!stop) return undefined;
    return stop.kind === 'clear' ? { tag, type: 'stopMessageClear' } : { tag, type: 'stopMessage', text: stop.text, maxRepeats: stop.maxRepeats };
  }
  const sigil = body[0];
  const rest = body.slice(1).trim();
  if (sigil === '#' || sigil === '@') {
    const items = parseList(rest, catalog);
    if (!items) return undefined;
    return { tag, type: sigil === '#' ? 'disable' : 'enable', items };
  }
  if (sigil === '!') return parseBang(rest, tag, catalog);
  if (!body.includes('.')) return isProvider(body, catalog) ? { tag, type: 'allow', providers: [body] } : undefined;
  const target = parseTarget(body, catalog);
  return target ? { tag, type: 'force', target: { ...target, name: body } } : undefined;
}
