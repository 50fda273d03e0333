/**
 * The user's clock for the prompt's environment. The client told us its time zone and its own "now" with
 * its latest message; a cron or idle wake hours later must not reuse that stale "now", so the client's
 * clock is carried forward: server now + the client's skew, written in the client's zone with its offset.
 */
import type { ClientInfo, InputPacket, RuntimeSnapshot } from '../model/index.js';
import { isValidTimeZone } from './apply-actions.js';

export type LastClient = NonNullable<RuntimeSnapshot['lastClient']>;

/** The latest client info: from the batch's newest input that has one, else what the state remembers. */
export function latestClient(inputs: readonly InputPacket[], remembered: LastClient | undefined): LastClient | undefined {
  for (let i = inputs.length - 1; i >= 0; i--) {
    const p = inputs[i] as InputPacket;
    if (p.payload.client) return toLastClient(p.payload.client, p.payload.createdAt);
  }
  return remembered;
}

export function toLastClient(client: ClientInfo, receivedAt: string): LastClient {
  return { ...client, receivedAt };
}

const OFFSET = /([+-])(\d{2}):?(\d{2})$|Z$/i;

/** `client_now_iso` at server time `nowMs`, or undefined when the client never told us its clock or zone. */
export function clientNowIso(client: LastClient | undefined, nowMs: number): string | undefined {
  if (!client) return undefined;
  const reported = client.nowIso !== undefined ? Date.parse(client.nowIso) : Number.NaN;
  const received = Date.parse(client.receivedAt);
  const skew = Number.isFinite(reported) && Number.isFinite(received) ? reported - received : 0;
  const at = nowMs + (Math.abs(skew) < 86_400_000 ? skew : 0);
  if (isValidTimeZone(client.timeZone)) return formatInZone(at, client.timeZone);
  const m = client.nowIso !== undefined ? OFFSET.exec(client.nowIso.trim()) : null;
  if (!m || !Number.isFinite(reported)) return undefined;
  const offsetMin = m[1] === undefined ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return withOffset(at, offsetMin);
}

/** `YYYY-MM-DDTHH:MM:SS±HH:MM` of an instant in an IANA zone. */
export function formatInZone(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const localAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return withOffset(ms, Math.round((localAsUtc - Math.floor(ms / 1000) * 1000) / 60_000));
}

function withOffset(ms: number, offsetMin: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
