/** Routing instructions: the `<**…**>` tags of ROUTECODEX.md §5, parsed. */
import type { NameCatalog, ParsedTarget } from '../../config/names.js';
import type { KeyRef, ModelRef, StickyTarget } from '../session/state.js';

/** The names instructions are checked against: targets, aliases, models, and the provider ids. */
export interface InstructionCatalog extends NameCatalog {
  providers(): string[];
}

/**
 * One item of a `#…` / `@…` list. A key item carries the alias and the 1-based index it resolves to
 * (from the catalog at parse time), so `@openai.1` re-enables what `#openai.key1` disabled; `ref` is the
 * item as written, which is what the session state stores.
 */
export type ListItem =
  | { kind: 'provider'; provider: string }
  | { kind: 'key'; ref: KeyRef; alias: string; index: number }
  | { kind: 'model'; ref: ModelRef };

/** A target forced for one turn: a model on all keys of its provider, or on one key alias. */
export interface ForcedTarget extends ParsedTarget {
  /** The target name as written (`provider.model` / `provider.alias.model`). */
  name: string;
}

export type RoutingInstruction = { tag: string } & (
  | { type: 'clear' }
  | { type: 'stopMessage'; text: string; maxRepeats: number }
  | { type: 'stopMessageClear' }
  | { type: 'disable'; items: ListItem[] }
  | { type: 'enable'; items: ListItem[] }
  | { type: 'allow'; providers: string[] }
  | { type: 'sticky'; target: StickyTarget }
  | { type: 'force'; target: ForcedTarget }
);

export interface ParsedInstructions {
  instructions: RoutingInstruction[];
  /** The text with every valid tag removed; malformed or unknown tags stay as they were. */
  cleanedText: string;
}
