/** The rule book: first matching rule wins; a rule with `times` is spent after that many uses. */
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeMatch, FakeProtocol, FakeRule } from './script.js';

export interface MatchSubject {
  protocol: FakeProtocol;
  model: string;
  stream: boolean;
  apiKey: string | undefined;
  headers: IncomingHttpHeaders;
  /** Computed lazily: only `contains` rules need it. */
  userText(): string;
}

interface Entry {
  rule: FakeRule;
  remaining: number;
}

function headerMatches(headers: IncomingHttpHeaders, name: string, value: string): boolean {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.includes(value) : v === value;
}

export function ruleMatches(match: FakeMatch | undefined, s: MatchSubject): boolean {
  if (!match) return true;
  if (match.protocol !== undefined && match.protocol !== s.protocol) return false;
  if (match.model !== undefined && match.model !== s.model) return false;
  if (match.apiKey !== undefined && match.apiKey !== s.apiKey) return false;
  if (match.stream !== undefined && match.stream !== s.stream) return false;
  if (match.header !== undefined && !headerMatches(s.headers, match.header.name, match.header.value)) return false;
  if (match.contains !== undefined && !s.userText().includes(match.contains)) return false;
  return true;
}

export class RuleBook {
  private entries: Entry[] = [];

  private static toEntries(rules: readonly FakeRule[]): Entry[] {
    return rules.map((rule) => ({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }));
  }

  get size(): number {
    return this.entries.length;
  }

  replace(rules: readonly FakeRule[]): void {
    this.entries = RuleBook.toEntries(rules);
  }

  prepend(rules: readonly FakeRule[]): void {
    this.entries = [...RuleBook.toEntries(rules), ...this.entries];
  }

  clear(): void {
    this.entries = [];
  }

  /** The first matching rule, counting one use of it (and dropping it once spent). */
  take(subject: MatchSubject): FakeRule | undefined {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (!entry || !ruleMatches(entry.rule.match, subject)) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) entries.splice(i, 1);
      return entry.rule;
    }
    return undefined;
  }
}
