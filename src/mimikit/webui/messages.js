// The chat: messages reconciled by id (an event and a reload never duplicate one; a committed message never
// goes back to pending), the live streaming reply, quoting, and the "thinking" indicator.

import { clockTime, el, elapsed, usageText, usageTitle } from './format.js';
import { stripHiddenTags } from './hidden-tags.js';
import { renderMarkdown } from './markdown.js';

const ROLE_LABEL = { user: 'You', agent: 'mimikit', system: 'System' };

function displayText(m) {
  return m.role === 'user' ? m.text : stripHiddenTags(m.text);
}

export class ChatView {
  constructor({ scroller, list, live, onQuote }) {
    this.scroller = scroller;
    this.list = list;
    this.live = live;
    this.onQuote = onQuote;
    this.messages = new Map();
    this.nodes = new Map();
    this.streams = new Map();
    this.thinking = el('div', { class: 'msg msg-agent thinking', hidden: true, 'aria-label': 'thinking' }, el('div', { class: 'bubble' }, el('span', { class: 'dots' }, el('i'), el('i'), el('i'))));
    this.live.append(this.thinking);
  }

  clear() {
    this.messages.clear();
    for (const node of this.nodes.values()) node.remove();
    this.nodes.clear();
    for (const id of [...this.streams.keys()]) this.dropStream(id);
  }

  has(id) {
    return this.messages.has(id);
  }

  upsert(message) {
    const known = this.messages.get(message.id);
    if (known && !known.pending && message.pending) return;
    if (known && JSON.stringify(known) === JSON.stringify(message)) return;
    const stick = this.nearBottom();
    this.messages.set(message.id, message);
    const node = this.render(message);
    const old = this.nodes.get(message.id);
    if (old) old.replaceWith(node);
    else this.insert(message, node);
    this.nodes.set(message.id, node);
    for (const [id, stream] of this.streams) if (stream.messageId === message.id) this.dropStream(id);
    this.refreshSeen();
    if (stick || message.role === 'user') this.scrollToBottom();
  }

  /** Keeps messages ordered by creation time; most arrive last, so the scan starts at the end. */
  insert(message, node) {
    let after = this.list.lastElementChild;
    while (after && after.dataset.createdAt > message.createdAt) after = after.previousElementSibling;
    if (after) after.after(node);
    else this.list.prepend(node);
  }

  render(m) {
    const text = displayText(m);
    const body = m.role === 'agent' ? el('div', { class: 'body markdown' }) : el('div', { class: 'body plain', text });
    if (m.role === 'agent') body.innerHTML = renderMarkdown(text);
    const meta = el(
      'footer',
      { class: 'meta' },
      el('time', { datetime: m.createdAt, text: clockTime(m.createdAt), title: new Date(m.createdAt).toLocaleString() }),
      m.usage && usageText(m.usage) ? el('span', { class: 'usage', text: usageText(m.usage), title: usageTitle(m.usage) }) : undefined,
      m.elapsedMs !== undefined ? el('span', { class: 'elapsed', text: elapsed(m.elapsedMs), title: 'time to answer' }) : undefined,
      m.pending && m.role === 'user' ? el('span', { class: 'pending', text: 'waiting' }) : undefined,
      m.role === 'user' ? el('span', { class: 'seen', text: '✓ Seen' }) : undefined,
      m.role !== 'system' ? el('button', { type: 'button', class: 'quote-btn', title: 'Quote this message', text: 'Quote', onclick: () => this.onQuote(m) }) : undefined,
    );
    return el(
      'article',
      { class: `msg msg-${m.role}${m.pending ? ' is-pending' : ''}`, dataset: { id: m.id, createdAt: m.createdAt }, 'aria-label': ROLE_LABEL[m.role] },
      el('div', { class: 'bubble' }, m.quote ? this.quoteBlock(m.quote) : undefined, body),
      meta,
    );
  }

  quoteBlock(id) {
    const quoted = this.messages.get(id);
    const excerpt = quoted ? this.excerpt(id) : 'an earlier message';
    return el('blockquote', { class: 'quoted', title: 'Show the quoted message', onclick: () => this.reveal(id) }, el('span', { class: 'quoted-role', text: quoted ? ROLE_LABEL[quoted.role] : '' }), ' ', excerpt);
  }

  /** One line of the message, for quotes. */
  excerpt(id) {
    const m = this.messages.get(id);
    const text = m ? displayText(m).replace(/\s+/g, ' ').trim() : '';
    return text.length > 140 ? `${text.slice(0, 139)}…` : text;
  }

  reveal(id) {
    const node = this.nodes.get(id);
    if (!node) return;
    node.scrollIntoView({ behavior: 'smooth', block: 'center' });
    node.classList.add('flash');
    setTimeout(() => node.classList.remove('flash'), 1200);
  }

  /** A user message followed by an agent message was seen. */
  refreshSeen() {
    let agentAfter = false;
    for (let node = this.list.lastElementChild; node; node = node.previousElementSibling) {
      if (node.classList.contains('msg-agent')) agentAfter = true;
      else if (node.classList.contains('msg-user')) node.classList.toggle('is-seen', agentAfter && !node.classList.contains('is-pending'));
    }
  }

  stream(id, delta) {
    const stream = this.ensureStream(id);
    stream.text += delta;
    this.paintStream(stream);
  }

  streamSnapshot(id, text) {
    const stream = this.ensureStream(id);
    stream.text = text;
    this.paintStream(stream);
  }

  /** `committed`: the bubble stays until its message arrives (then the message replaces it). */
  streamEnd(id, reason, messageId) {
    const stream = this.streams.get(id);
    if (!stream) return;
    if (reason === 'committed' && messageId && !this.messages.has(messageId)) {
      stream.messageId = messageId;
      stream.timer = setTimeout(() => this.dropStream(id), 10_000);
    } else this.dropStream(id);
  }

  ensureStream(id) {
    let stream = this.streams.get(id);
    if (!stream) {
      const body = el('div', { class: 'body markdown' });
      const node = el('article', { class: 'msg msg-agent is-streaming', dataset: { streamId: id } }, el('div', { class: 'bubble' }, body));
      stream = { id, text: '', node, body };
      this.streams.set(id, stream);
      this.live.prepend(node);
      this.setBusy(this.busy);
    }
    return stream;
  }

  paintStream(stream) {
    const stick = this.nearBottom();
    stream.body.innerHTML = renderMarkdown(stripHiddenTags(stream.text, { streaming: true }));
    if (stick) this.scrollToBottom();
  }

  dropStream(id) {
    const stream = this.streams.get(id);
    if (!stream) return;
    clearTimeout(stream.timer);
    stream.node.remove();
    this.streams.delete(id);
    this.setBusy(this.busy);
  }

  /** The "thinking" dots while the manager works and nothing streams yet. */
  setBusy(busy) {
    this.busy = busy;
    const show = Boolean(busy) && this.streams.size === 0;
    if (show !== !this.thinking.hidden) {
      const stick = this.nearBottom();
      this.thinking.hidden = !show;
      if (stick) this.scrollToBottom();
    }
  }

  nearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}
