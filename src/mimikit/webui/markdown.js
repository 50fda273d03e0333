// Agent text as markdown: `marked` (GFM, line breaks) → DOMPurify with a small allow-list. Links only
// to http(s), mailto and this server's /artifacts/, opened in a new tab with rel=noopener. Paths under
// `generated/` (what workers make for the user) become /artifacts/ links.

import { Marked } from '/vendor/marked.js';
import DOMPurify from '/vendor/purify.js';
import { artifactUrl } from './api.js';

const GENERATED = /^(?:\.\/)?(?:\.mimikit\/)?generated\/(.+)$/;

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  walkTokens(token) {
    if (token.type !== 'link' && token.type !== 'image') return;
    const m = GENERATED.exec(token.href ?? '');
    if (m) token.href = artifactUrl(decodeURIComponent(m[1]));
  },
});

const SAFE_URL = /^(?:https?:|mailto:|\/artifacts\/)/i;

const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') ?? '';
    if (!SAFE_URL.test(href)) node.removeAttribute('href');
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
  if (node.tagName === 'IMG' && !/^(?:https:|\/artifacts\/)/i.test(node.getAttribute('src') ?? '')) node.removeAttribute('src');
  if (node.tagName === 'INPUT') {
    node.setAttribute('type', 'checkbox'); // GFM task lists only
    node.setAttribute('disabled', '');
  }
});

const CONFIG = {
  ALLOWED_TAGS: ['a', 'p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img', 'input', 'span'],
  ALLOWED_ATTR: ['href', 'title', 'alt', 'src', 'type', 'checked', 'disabled', 'start', 'align'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|\/artifacts\/)/i,
  ALLOW_DATA_ATTR: false,
};

/** Sanitized HTML for `text`. */
export function renderMarkdown(text) {
  return purify.sanitize(marked.parse(text), CONFIG);
}
