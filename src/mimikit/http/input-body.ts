/**
 * `POST /api/input` body: `{text, quote?, clientTimeZone?, clientNowIso?, clientLocale?}`, strict. A blank
 * optional string counts as absent. Errors name the field: `'<field>: <reason>'`.
 */
import { z } from 'zod';
import type { AddInputRequest } from '../orchestrator/index.js';
import { HttpError } from './errors.js';

const MAX_TEXT_CHARS = 100_000;

const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().max(max, `at most ${max} characters`).optional());

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const inputBodySchema = z.strictObject({
  text: z.string({ error: 'required, a string' }).refine((t) => t.trim() !== '', 'must not be empty').refine((t) => t.length <= MAX_TEXT_CHARS, `at most ${MAX_TEXT_CHARS} characters`),
  quote: optionalText(200),
  clientTimeZone: optionalText(100).refine((z) => z === undefined || isTimeZone(z), 'not an IANA time zone'),
  clientNowIso: optionalText(64).refine((t) => t === undefined || (/^\d{4}-\d{2}-\d{2}T/.test(t) && !Number.isNaN(Date.parse(t))), 'not an ISO 8601 date-time'),
  clientLocale: optionalText(64),
});

export function parseInputBody(body: unknown): AddInputRequest {
  if (body === undefined) throw new HttpError(400, 'body: required, a JSON object {text, …}');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body: must be a JSON object');
  const parsed = inputBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') throw new HttpError(400, `${issue.keys[0] ?? 'body'}: unknown field`);
    throw new HttpError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  const { text, quote, clientTimeZone, clientNowIso, clientLocale } = parsed.data;
  const client = { ...(clientTimeZone ? { timeZone: clientTimeZone } : {}), ...(clientNowIso ? { nowIso: clientNowIso } : {}), ...(clientLocale ? { locale: clientLocale } : {}) };
  return { text, ...(quote ? { quote } : {}), ...(Object.keys(client).length > 0 ? { client } : {}) };
}
