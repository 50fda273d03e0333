/**
 * The RouteCodex configuration file (JSON or YAML), validated with zod. Every number here is a default
 * that the file can override; unknown keys are rejected so a typo is an error, not a silent no-op.
 */
import { z } from 'zod';
import { PROVIDER_TYPES } from '../canonical/protocol-id.js';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

export const ROUTE_NAMES = [
  'default',
  'longcontext',
  'thinking',
  'coding',
  'tools',
  'background',
  'vision',
  'web_search',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

const modelInfoSchema = z
  .object({
    maxContextTokens: positiveInt.optional(),
    maxOutputTokens: positiveInt.optional(),
    supportsTools: z.boolean().optional(),
    supportsVision: z.boolean().optional(),
    supportsThinking: z.boolean().optional(),
    /** Requests per minute this model accepts on each key; a key whose window is full is skipped (shared by every instance on Redis). */
    rpm: positiveInt.optional(),
  })
  .strict();
export type ModelInfo = z.infer<typeof modelInfoSchema>;

const keyEntrySchema = z.union([z.string().min(1), z.object({ value: z.string().min(1) }).strict()]);

const apiKeyAuthSchema = z
  .object({
    type: z.literal('apikey'),
    apiKey: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    keys: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'key alias may only use letters, digits, _ and -'), keyEntrySchema).optional(),
  })
  .strict()
  .refine((a) => a.apiKey !== undefined || a.keys !== undefined, { message: 'apikey auth needs `apiKey` or `keys`' });

const oauthAuthSchema = z
  .object({
    type: z.literal('oauth'),
    flow: z.enum(['device-code', 'refresh-only']).default('device-code'),
    tokenEndpoint: z.url(),
    deviceEndpoint: z.url().optional(),
    clientId: z.string().min(1),
    clientSecret: z.string().optional(),
    scope: z.string().optional(),
    /** Send a PKCE (S256) code challenge with the device-code request and the verifier with the token poll. */
    pkce: z.boolean().optional(),
    /** Refresh this long before expiry. */
    refreshAheadMs: nonNegativeInt.default(5 * 60_000),
  })
  .strict();

const noAuthSchema = z.object({ type: z.literal('none') }).strict();

const providerSchema = z
  .object({
    type: z.enum(PROVIDER_TYPES),
    baseURL: z.url(),
    auth: z.discriminatedUnion('type', [apiKeyAuthSchema, oauthAuthSchema, noAuthSchema]),
    models: z.union([z.record(z.string().min(1), modelInfoSchema.nullable()), z.array(z.string().min(1)).min(1)]),
    /** Extra headers sent upstream with every request of this provider. */
    headers: z.record(z.string(), z.string()).optional(),
    /** Parallel connections kept to this provider's origin. */
    connections: positiveInt.default(64),
  })
  .strict();
export type ProviderConfig = z.infer<typeof providerSchema>;

const poolSchema = z
  .object({
    id: z.string().min(1).optional(),
    targets: z.array(z.string().min(1)).min(1),
    priority: z.number().int().optional(),
    backup: z.boolean().default(false),
  })
  .strict();
export type PoolConfig = z.infer<typeof poolSchema>;

/** A route is a list of pools, or a plain list of targets (one pool). */
const routeSchema = z.union([z.array(z.string().min(1)).min(1), z.array(poolSchema).min(1)]);

const classifierSchema = z
  .object({
    longContextThresholdTokens: positiveInt.default(180_000),
    /** Rule order; first match wins. */
    order: z.array(z.enum(ROUTE_NAMES)).optional(),
    /** Extra keywords per route, matched case-insensitively in the latest user message (added to the built-ins). */
    keywords: z.partialRecord(z.enum(ROUTE_NAMES), z.array(z.string().min(1))).default({}),
    /** Requested model names (substrings) that mark a request as background work. */
    backgroundModels: z.array(z.string().min(1)).default(['haiku', 'mini', 'flash-lite', 'nano']),
  })
  .strict();

const loadBalancingSchema = z
  .object({
    strategy: z.enum(['round-robin', 'weighted', 'sticky']).default('round-robin'),
    /** Weights by providerKey, target (`provider.model`) or provider id; default 1. */
    weights: z.record(z.string(), z.number().positive()).default({}),
  })
  .strict();

const healthSchema = z
  .object({
    failureThreshold: positiveInt.default(3),
    cooldownMs: positiveInt.default(30_000),
    fatalCooldownMs: positiveInt.default(600_000),
    rateLimitScheduleMs: z.array(positiveInt).min(1).default([5_000, 15_000, 30_000, 60_000, 120_000]),
    /** Retry-After values are clamped to this range. */
    maxRetryAfterMs: positiveInt.default(15 * 60_000),
    whenAllCooling: z.enum(['try-soonest', 'fail']).default('try-soonest'),
  })
  .strict();

const failoverSchema = z
  .object({
    maxAttempts: positiveInt.default(3),
    /** Streaming: response headers and the first content event must arrive within this time. */
    ttfbTimeoutMs: positiveInt.default(60_000),
    /** Non-streaming: most upstreams send headers only when the whole reply is ready, so this is longer. */
    nonStreamTimeoutMs: positiveInt.default(600_000),
    /** Longest silence allowed between stream events. */
    idleStreamTimeoutMs: positiveInt.default(120_000),
  })
  .strict();

const managerSchema = z
  .object({
    store: z.enum(['file', 'redis']).default('file'),
    redisUrl: z.string().default('redis://127.0.0.1:6379'),
    redisKeyPrefix: z.string().default('routecodex:'),
    healthTtlMs: positiveInt.default(7 * 24 * 3_600_000),
    healthMaxEvents: positiveInt.default(1000),
    /** Compact health.jsonl when it grows past this many bytes. */
    healthCompactBytes: positiveInt.default(1_048_576),
    healthCompactIntervalMs: positiveInt.default(10 * 60_000),
    sessionTtlMs: positiveInt.default(7 * 24 * 3_600_000),
    /** The token leader lease: renewed every third of it; a dead leader is replaced within about this long. */
    leaderTtlMs: positiveInt.default(30_000),
  })
  .strict();

const httpServerSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(5555),
    apiKeys: z.array(z.string().min(1)).default([]),
    bodyLimitBytes: positiveInt.default(32 * 1_048_576),
  })
  .strict();

const responsesStoreSchema = z
  .object({
    maxEntries: positiveInt.default(2_000),
    maxBytes: positiveInt.default(256 * 1_048_576),
    ttlMs: positiveInt.default(24 * 3_600_000),
  })
  .strict();

export const configSchema = z
  .object({
    serverId: z.string().min(1).optional(),
    httpserver: httpServerSchema.default(httpServerSchema.parse({})),
    virtualrouter: z
      .object({
        providers: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'provider id may only use letters, digits, _ and -'), providerSchema),
        routing: z.record(z.string().min(1), routeSchema),
        classifier: classifierSchema.default(classifierSchema.parse({})),
        loadBalancing: loadBalancingSchema.default(loadBalancingSchema.parse({})),
        health: healthSchema.default(healthSchema.parse({})),
        failover: failoverSchema.default(failoverSchema.parse({})),
      })
      .strict(),
    responses: responsesStoreSchema.default(responsesStoreSchema.parse({})),
    manager: managerSchema.default(managerSchema.parse({})),
    logging: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).strict().default({ level: 'info' }),
  })
  .strict();

export type RouteCodexConfig = z.infer<typeof configSchema>;
export type HealthConfig = RouteCodexConfig['virtualrouter']['health'];
export type FailoverConfig = RouteCodexConfig['virtualrouter']['failover'];
export type ClassifierConfig = RouteCodexConfig['virtualrouter']['classifier'];
export type LoadBalancingConfig = RouteCodexConfig['virtualrouter']['loadBalancing'];
export type ManagerConfig = RouteCodexConfig['manager'];
