/** Merging `#…` items into a session's disabled lists, and removing them again with `@…`. */
import type { KeyRef, SessionRoutingState } from '../session/state.js';
import type { ListItem } from './types.js';

export type DisabledLists = SessionRoutingState['disabled'];

/** The stored key ref names this key, by alias or by index. */
const refMatches = (ref: KeyRef, provider: string, alias: string, index: number): boolean =>
  ref.provider === provider && (ref.alias === alias || ref.index === index);

export function disableItems(lists: DisabledLists, items: readonly ListItem[]): DisabledLists {
  const providers = [...lists.providers];
  const keys = [...lists.keys];
  const models = [...lists.models];
  for (const item of items) {
    if (item.kind === 'provider') {
      if (!providers.includes(item.provider)) providers.push(item.provider);
    } else if (item.kind === 'key') {
      if (!keys.some((k) => refMatches(k, item.ref.provider, item.alias, item.index))) keys.push(item.ref);
    } else if (!models.some((m) => m.provider === item.ref.provider && m.model === item.ref.model)) {
      models.push(item.ref);
    }
  }
  return { providers, keys, models };
}

/** Re-enables: a provider item clears the provider and all its key and model entries. */
export function enableItems(lists: DisabledLists, items: readonly ListItem[]): DisabledLists {
  let { providers, keys, models } = lists;
  for (const item of items) {
    if (item.kind === 'provider') {
      providers = providers.filter((p) => p !== item.provider);
      keys = keys.filter((k) => k.provider !== item.provider);
      models = models.filter((m) => m.provider !== item.provider);
    } else if (item.kind === 'key') {
      keys = keys.filter((k) => !refMatches(k, item.ref.provider, item.alias, item.index));
    } else {
      models = models.filter((m) => m.provider !== item.ref.provider || m.model !== item.ref.model);
    }
  }
  return { providers, keys, models };
}
