/**
 * `stopMessage:"text",N`, `stopMessage:"text"` (N = 1) and `stopMessage:clear`. The text is
 * double-quoted; `\"` and `\\` are its only escapes; N is an integer from 1 to 100.
 */

export const MAX_STOP_MESSAGE_REPEATS = 100;

export type StopMessageTag = { kind: 'set'; text: string; maxRepeats: number } | { kind: 'clear' };

/** Reads a quoted string starting at `from` (the opening quote); returns its text and the index after it. */
function readQuoted(s: string, from: number): { text: string; next: number } | undefined {
  if (s[from] !== '"') return undefined;
  let text = '';
  for (let i = from + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"') return { text, next: i + 1 };
    if (c === '\\') {
      const escaped = s[i + 1];
      if (escaped !== '"' && escaped !== '\\') return undefined;
      text += escaped;
      i++;
    } else text += c;
  }
  return undefined;
}

/** Parses the part after `stopMessage:`; undefined when malformed. */
export function parseStopMessage(args: string): StopMessageTag | undefined {
  const rest = args.trim();
  if (rest === 'clear') return { kind: 'clear' };
  const quoted = readQuoted(rest, 0);
  if (!quoted || quoted.text.trim() === '') return undefined;
  const tail = rest.slice(quoted.next).trim();
  if (tail === '') return { kind: 'set', text: quoted.text, maxRepeats: 1 };
  const m = /^,\s*(\d{1,3})$/.exec(tail);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n < 1 || n > MAX_STOP_MESSAGE_REPEATS) return undefined;
  return { kind: 'set', text: quoted.text, maxRepeats: n };
}
