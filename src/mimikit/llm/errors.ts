import { LlmError, type LlmErrorKind } from './types.js';

/** Classifies an error answer of an OpenAI-compatible endpoint by status and error code. */
export function llmErrorFromResponse(status: number, bodyText: string): LlmError {
  let code: string | undefined;
  let message = bodyText.slice(0, 500);
  try {
    const body = JSON.parse(bodyText) as { error?: { message?: string; code?: string | null; type?: string } };
    if (body.error) {
      code = body.error.code ?? body.error.type ?? undefined;
      message = body.error.message ?? message;
    }
  } catch {
    // not JSON: keep the text
  }
  let kind: LlmErrorKind;
  if (code === 'context_length_exceeded') kind = 'context_length';
  else if (status === 429) kind = 'rate_limit';
  else if (status === 401 || status === 403) kind = 'auth';
  else if (status === 503) kind = 'unavailable';
  else if (status >= 500) kind = 'server';
  else kind = 'bad_request';
  return new LlmError(kind, `model endpoint answered ${status}${code ? ` (${code})` : ''}: ${message}`, status);
}
