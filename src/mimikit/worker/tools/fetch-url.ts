/** `fetch_url`: GET an http(s) URL with a timeout and a size cap; HTML is reduced to its text. */
import { Agent, interceptors, request } from 'undici';
import { z } from 'zod';
import { defineTool, toolError, type ToolOutput } from './types.js';

const argsSchema = z
  .object({
    url: z.string().describe('An http:// or https:// URL.'),
    max_bytes: z.number().int().positive().optional().describe('Read at most this many bytes of the body.'),
  })
  .strict();

const dispatcher = new Agent({ connect: { timeout: 10_000 } }).compose(interceptors.redirect({ maxRedirections: 5 }));

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Crude HTML → text: drops scripts, styles and tags, decodes common entities, squeezes blank space. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6]|\/tr)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? m;
    })
    .replace(/[ \t\f\v\r]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim();
}

const isTextual = (contentType: string) => contentType === '' || /^text\/|json|xml|javascript|x-www-form-urlencoded/i.test(contentType);

export async function fetchUrl(rawUrl: string, maxBytes: number, timeoutMs: number, signal: AbortSignal): Promise<ToolOutput> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return toolError(`not a valid URL: ${rawUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return toolError(`only http and https URLs can be fetched, not ${url.protocol}`);
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  try {
    const res = await request(url, { method: 'GET', dispatcher, signal: combined, headers: { 'user-agent': 'mimikit-worker/0.1', accept: 'text/html, text/plain, application/json, */*;q=0.5' } });
    const contentType = String(res.headers['content-type'] ?? '');
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      const room = maxBytes - size;
      chunks.push(room < chunk.length ? chunk.subarray(0, room) : chunk);
      size += Math.min(room, chunk.length);
      if (size >= maxBytes) {
        truncated = true;
        res.body.destroy();
        break;
      }
    }
    const head = `status: ${res.statusCode}\ncontent-type: ${contentType || '(none)'}\n`;
    const raw = Buffer.concat(chunks);
    let body: string;
    if (!isTextual(contentType)) body = `(${truncated ? `≥${size}` : size} bytes of ${contentType} not shown)`;
    else body = /html/i.test(contentType) ? htmlToText(raw.toString('utf8')) : raw.toString('utf8');
    const note = truncated ? `\n… [body cut at ${maxBytes} bytes]` : '';
    return { ok: res.statusCode < 400, content: `${head}\n${body}${note}` };
  } catch (e) {
    if (signal.aborted) return toolError('fetch aborted: the task was stopped');
    if (timeout.aborted) return toolError(`fetch of ${url.href} timed out after ${timeoutMs} ms`);
    return toolError(`fetch of ${url.href} failed: ${(e as Error).message}`);
  }
}

export const fetchUrlTool = defineTool(
  'fetch_url',
  'HTTP GET a URL (http/https only). Returns the status, the content type and the body as text (HTML reduced to text), capped.',
  argsSchema,
  (args, ctx) => fetchUrl(args.url, Math.min(args.max_bytes ?? ctx.limits.fetchMaxBytes, ctx.limits.fetchMaxBytes), ctx.limits.fetchTimeoutMs, ctx.signal),
);
