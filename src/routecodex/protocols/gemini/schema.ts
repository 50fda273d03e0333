/**
 * zod schemas of what Gemini sends back (generativelanguage v1beta): GenerateContentResponse (whole
 * response or one stream chunk) and the google.rpc error body. Unknown fields are accepted and ignored;
 * the type of every field the decoders read is checked.
 */
import { z } from 'zod';

export const GeminiPartSchema = z.object({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z
    .object({
      name: z.string(),
      args: z.record(z.string(), z.unknown()).nullish(),
      id: z.string().optional(),
    })
    .optional(),
});
export type GeminiPart = z.infer<typeof GeminiPartSchema>;

export const GeminiUsageSchema = z.object({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
});
export type GeminiUsage = z.infer<typeof GeminiUsageSchema>;

export const GeminiCandidateSchema = z.object({
  content: z
    .object({
      role: z.string().optional(),
      parts: z.array(GeminiPartSchema).optional(),
    })
    .optional(),
  finishReason: z.string().optional(),
  finishMessage: z.string().optional(),
  index: z.number().optional(),
});
export type GeminiCandidate = z.infer<typeof GeminiCandidateSchema>;

export const GeminiResponseSchema = z.object({
  candidates: z.array(GeminiCandidateSchema).optional(),
  promptFeedback: z
    .object({
      blockReason: z.string().optional(),
      blockReasonMessage: z.string().optional(),
    })
    .optional(),
  usageMetadata: GeminiUsageSchema.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
export type GeminiResponse = z.infer<typeof GeminiResponseSchema>;

/** One entry of `error.details` (google.rpc.RetryInfo / ErrorInfo / QuotaFailure / Help …). */
export const GeminiErrorDetailSchema = z.object({
  '@type': z.string().optional(),
  retryDelay: z.string().optional(),
  reason: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  violations: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type GeminiErrorDetail = z.infer<typeof GeminiErrorDetailSchema>;

export const GeminiErrorSchema = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
  details: z.array(z.unknown()).optional(),
});
export type GeminiError = z.infer<typeof GeminiErrorSchema>;

export const GeminiErrorBodySchema = z.object({ error: GeminiErrorSchema });
