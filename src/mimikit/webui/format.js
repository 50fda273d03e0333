// Small display formats: times, durations, token usage.

export function elapsed(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m ${s % 60}s`;
}

export function clockTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function compact(n) {
  return n >= 10_000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : String(n);
}

/** `↑ 1.2k · ↓ 340` (input · output tokens). */
export function usageText(usage) {
  if (!usage || (usage.input === undefined && usage.output === undefined)) return '';
  return `↑ ${compact(usage.input ?? 0)} · ↓ ${compact(usage.output ?? 0)}`;
}

export function usageTitle(usage) {
  if (!usage) return '';
  return [`input ${usage.input ?? 0}`, usage.cachedInput ? `cached ${usage.cachedInput}` : '', `output ${usage.output ?? 0}`, usage.total ? `total ${usage.total}` : ''].filter(Boolean).join(' · ');
}

/** Builds an element: `el('div', {class: 'x', text: 'hi'}, child…)`. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
}
