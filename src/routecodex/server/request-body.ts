import { GatewayError } from '../canonical/index.js';

/** Parses a JSON request body; a problem is a 400 that says what and where. */
export function parseJsonBody(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || (Buffer.isBuffer(raw) && raw.length === 0)) {
    throw new GatewayError(400, 'invalid_request_error', 'request body is empty; expected a JSON object');
  }
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new GatewayError(400, 'invalid_request_error', `request body is not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError(400, 'invalid_request_error', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
