/** Small text helpers for prompt data. */

/** At most `max` characters; a cut text ends with `…`. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
