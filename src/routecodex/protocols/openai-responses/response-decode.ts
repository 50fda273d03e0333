/** Upstream Responses JSON body → canonical response. */
import { z } from 'zod';
import { EMPTY_USAGE, UpstreamFailure, mergeUsage, type AssistantContentPart, type CanonicalResponse } from '../../canonical/index.js';
import { decodeInBandFailure } from './errors.js';
import { hasErrorField } from '../common.js';
import { decodeUsage, outputItemToPart, stopReasonOf } from './output-items.js';

const ResponseBody = z.object({
  id: z.string(),
  object: z.literal('response').nullish(),
  model: z.string().nullish(),
  status: z.string().nullish(),
  output: z.array(z.looseObject({ type: z.string() })),
  incomplete_details: z.object({ reason: z.string().nullish() }).nullish(),
  error: z.unknown().optional(),
  usage: z.unknown().optional(),
});

export function decodeResponsesResponse(body: unknown): CanonicalResponse {
  // A 200 with only an error body (no output) is that error, not malformed data.
  if (hasErrorField(body) && !Array.isArray((body as { output?: unknown }).output)) throw decodeInBandFailure((body as { error: unknown }).error);
  const parsed = ResponseBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || 'body' : 'body';
    throw new UpstreamFailure({ class: 'malformed', message: `upstream body is not a Responses object (${where}: ${issue?.message ?? 'invalid'})` });
  }
  const r = parsed.data;
  if (r.status === 'failed') throw decodeInBandFailure(r.error ?? { message: 'upstream response failed' });
  const content: AssistantContentPart[] = [];
  let hasToolCall = false;
  let refused = false;
  for (const item of r.output) {
    const decoded = outputItemToPart(item);
    if (!decoded) continue;
    const { part } = decoded;
    if (part.type === 'text' && part.text === '') continue;
    if (part.type === 'tool_call') hasToolCall = true;
    refused ||= decoded.refusal;
    content.push(part);
  }
  const incompleteReason = r.status === 'incomplete' ? (r.incomplete_details?.reason ?? undefined) : undefined;
  return {
    id: r.id,
    model: r.model ?? '',
    content,
    stopReason: stopReasonOf(incompleteReason, hasToolCall, refused),
    usage: mergeUsage(EMPTY_USAGE, decodeUsage(r.usage)),
  };
}
