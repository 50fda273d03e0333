/**
 * Which providerKeys a session's instructions let through, with the precedence
 * disable > force > sticky > allow: a disabled provider, key or model is always filtered; with a
 * forced target only its keys pass; else with a sticky target only its keys pass; else with an
 * allow-list only those providers pass.
 */
import type { ProviderKeySpec } from '../../config/resolved.js';
import type { SessionRoutingState, StickyTarget } from '../session/state.js';
import type { ForcedTarget } from './types.js';

export type FilterVerdict = { ok: true } | { ok: false; reason: string };
export type CandidateFilter = (spec: ProviderKeySpec) => FilterVerdict;

type RoutingView = Pick<SessionRoutingState, 'disabled' | 'stickyTarget' | 'allowedProviders'>;

const OK: FilterVerdict = { ok: true };

/** The `<**#…**>` item that disables this key, or undefined. */
function disablingItem(state: RoutingView, spec: ProviderKeySpec): string | undefined {
  const { providers, keys, models } = state.disabled;
  if (providers.includes(spec.providerId)) return spec.providerId;
  const key = keys.find((k) => k.provider === spec.providerId && (k.alias === spec.alias || k.index === spec.aliasIndex));
  if (key) return `${key.provider}.${key.alias ?? String(key.index)}`;
  if (models.some((m) => m.provider === spec.providerId && m.model === spec.model)) return `${spec.providerId}.${spec.model}`;
  return undefined;
}

export function matchesForced(forced: ForcedTarget, spec: ProviderKeySpec): boolean {
  return spec.providerId === forced.providerId && spec.model === forced.model && (forced.alias === undefined || forced.alias === spec.alias);
}

export function matchesSticky(sticky: StickyTarget, spec: ProviderKeySpec): boolean {
  return (
    spec.providerId === sticky.provider &&
    (sticky.model === undefined || sticky.model === spec.model) &&
    (sticky.alias === undefined || sticky.alias === spec.alias) &&
    (sticky.index === undefined || sticky.index === spec.aliasIndex)
  );
}

export function candidateFilter(state: RoutingView, forced?: ForcedTarget): CandidateFilter {
  return (spec) => {
    const disabledBy = disablingItem(state, spec);
    if (disabledBy !== undefined) return { ok: false, reason: `disabled by <**#${disabledBy}**>` };
    if (forced) return matchesForced(forced, spec) ? OK : { ok: false, reason: `not the forced target <**${forced.name}**>` };
    const sticky = state.stickyTarget;
    if (sticky) return matchesSticky(sticky, spec) ? OK : { ok: false, reason: `not the sticky target <**!${sticky.name}**>` };
    const allowed = state.allowedProviders;
    if (allowed && !allowed.includes(spec.providerId)) return { ok: false, reason: `provider not in the allow-list <**!${allowed.join(',')}**>` };
    return OK;
  };
}

/**
 * The keys the forced target (else the sticky target) stands for, in the given order, disabled ones
 * included (run `candidateFilter` for the verdicts). The router uses them when the target lies outside
 * the classified route. Undefined when neither is set.
 */
export function stickyOrForcedKeys(
  state: RoutingView,
  forced: ForcedTarget | undefined,
  specs: Iterable<ProviderKeySpec>,
): { source: 'forced' | 'sticky'; providerKeys: string[] } | undefined {
  const all = [...specs];
  if (forced) return { source: 'forced', providerKeys: all.filter((s) => matchesForced(forced, s)).map((s) => s.providerKey) };
  const sticky = state.stickyTarget;
  if (sticky) return { source: 'sticky', providerKeys: all.filter((s) => matchesSticky(sticky, s)).map((s) => s.providerKey) };
  return undefined;
}
