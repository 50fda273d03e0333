/**
 * Applies parsed instructions to a session's routing state, left to right. Force lasts one turn: the
 * previous turn's `forcedTarget` is dropped first, and this turn's (if any) is set and returned.
 * Pure: the input state is not modified.
 */
import type { SessionRoutingState } from '../session/state.js';
import { disableItems, enableItems } from './disabled-lists.js';
import type { ForcedTarget, RoutingInstruction } from './types.js';

export interface ApplyResult {
  state: SessionRoutingState;
  /** The target this turn forces, when an instruction forced one (and no later `clear` undid it). */
  forced?: ForcedTarget;
}

type Optional = 'stickyTarget' | 'allowedProviders' | 'forcedTarget' | 'stopMessage';

function without(state: SessionRoutingState, ...fields: Optional[]): SessionRoutingState {
  const out = { ...state };
  for (const f of fields) delete out[f];
  return out;
}

function cleared(state: SessionRoutingState): SessionRoutingState {
  return { ...without(state, 'stickyTarget', 'allowedProviders', 'forcedTarget', 'stopMessage'), disabled: { providers: [], keys: [], models: [] }, pins: {} };
}

export function applyInstructions(state: SessionRoutingState, instructions: readonly RoutingInstruction[], now: number): ApplyResult {
  if (instructions.length === 0 && state.forcedTarget === undefined) return { state };
  let s = without(state, 'forcedTarget');
  let forced: ForcedTarget | undefined;
  for (const ins of instructions) {
    switch (ins.type) {
      case 'clear':
        s = cleared(s);
        forced = undefined;
        break;
      case 'disable':
        s = { ...s, disabled: disableItems(s.disabled, ins.items) };
        break;
      case 'enable':
        s = { ...s, disabled: enableItems(s.disabled, ins.items) };
        break;
      case 'allow':
        s = { ...s, allowedProviders: [...ins.providers] };
        break;
      case 'sticky':
        s = { ...s, stickyTarget: { ...ins.target }, pins: {} };
        break;
      case 'force':
        forced = { ...ins.target };
        s = { ...s, forcedTarget: ins.target.name };
        break;
      case 'stopMessage':
        s = { ...s, stopMessage: { text: ins.text, maxRepeats: ins.maxRepeats, used: 0, updatedAt: now } };
        break;
      case 'stopMessageClear':
        s = without(s, 'stopMessage');
        break;
    }
  }
  s = { ...s, updatedAt: now };
  return forced ? { state: s, forced } : { state: s };
}
