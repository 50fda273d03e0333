/**
 * The HTTP control API, for tests driving a fake upstream in another process:
 * `POST /_fake/script` (replace rules), `POST /_fake/rules` (prepend; a rule array or `{rules}`),
 * `POST /_fake/reset`, `GET /_fake/requests`.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { zodProblems } from '../../../shared/config-file.js';
import { FakeRuleSchema, FakeScriptSchema, type FakeRule } from './script.js';
import type { RecordedRequest } from './types.js';

export const CONTROL_PREFIX = '/_fake/';

export interface ControlTarget {
  setRules(rules: FakeRule[]): void;
  addRules(rules: FakeRule[]): void;
  reset(): void;
  requests(): RecordedRequest[];
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

function parseRules(raw: string, asScript: boolean): { rules: FakeRule[] } | { problems: unknown[] } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return { problems: [{ path: '', message: `invalid JSON: ${(e as Error).message}` }] };
  }
  const schema = asScript || !Array.isArray(value) ? FakeScriptSchema : z.array(FakeRuleSchema);
  const result = schema.safeParse(value);
  if (!result.success) return { problems: zodProblems(result.error) };
  return { rules: Array.isArray(result.data) ? result.data : result.data.rules };
}

/** Handles a control request whose body has been read. */
export function handleControl(target: ControlTarget, method: string, path: string, body: string, res: ServerResponse): void {
  const route = `${method} ${path}`;
  switch (route) {
    case 'POST /_fake/script':
    case 'POST /_fake/rules': {
      const parsed = parseRules(body, path === '/_fake/script');
      if ('problems' in parsed) {
        sendJson(res, 400, { error: { message: 'invalid fake script', issues: parsed.problems } });
        return;
      }
      if (path === '/_fake/script') target.setRules(parsed.rules);
      else target.addRules(parsed.rules);
      sendJson(res, 200, { ok: true, rules: parsed.rules.length });
      return;
    }
    case 'POST /_fake/reset':
      target.reset();
      sendJson(res, 200, { ok: true });
      return;
    case 'GET /_fake/requests':
      sendJson(res, 200, target.requests());
      return;
    default:
      sendJson(res, 404, { error: { message: `unknown control route ${route}` } });
  }
}
