// Hidden `<M:…>` tags (actions, system events) are never shown. The server strips them already; this
// second pass also covers the streaming reply. Code (fenced blocks and inline spans) is left alone.

const ATTRS = String.raw`(?:[^>"']|"[^"]*"|'[^']*')*`;
const PAIRED = new RegExp(String.raw`<M:([A-Za-z_][\w-]*)\b${ATTRS}(?<!/)>[\s\S]*?</M:\1\s*>`, 'g');
const SELF_CLOSING = new RegExp(String.raw`<M:[A-Za-z_][\w-]*\b${ATTRS}/>`, 'g');
const STRAY = new RegExp(String.raw`</?M:[A-Za-z_][\w-]*\b${ATTRS}>`, 'g');
const PARTIAL_ATTRS = String.raw`(?:[^>"']|"[^"]*"?|'[^']*'?)*`; // the last quote may still be open
const UNFINISHED = new RegExp(String.raw`<(?:/?M(?::${PARTIAL_ATTRS})?)?$`); // a tag still being streamed
const CODE = /(```[\s\S]*?(?:```|$)|`[^`\n]*`)/;

function stripOutsideCode(text) {
  return text.replace(PAIRED, '').replace(SELF_CLOSING, '').replace(STRAY, '');
}

export function stripHiddenTags(text, { streaming = false } = {}) {
  const parts = String(text ?? '').split(CODE);
  let out = parts.map((part, i) => (i % 2 === 1 ? part : stripOutsideCode(part))).join('');
  if (streaming) out = out.replace(UNFINISHED, '');
  return out.replace(/\n{3,}/g, '\n\n').trim();
}
