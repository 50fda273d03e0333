/** Public types of the fake upstream. */
import type { FakeProtocol, FakeRule, FakeScript } from './script.js';

export interface RecordedRequest {
  protocol: FakeProtocol;
  method: string;
  /** The path with its query string, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  path: string;
  model: string;
  stream: boolean;
  apiKey?: string;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The parsed JSON body (the raw text when it was not JSON). */
  body: unknown;
  receivedAt: number;
}

export interface FakeUpstreamOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Delay before the response headers of every reply that does not set its own `latencyMs`. */
  latencyMs?: number;
  script?: FakeScript;
  /** How many recent requests to keep for `requests()` (default 10,000; 0 turns recording off). */
  maxRecordedRequests?: number;
}

export interface FakeUpstream {
  /** e.g. `http://127.0.0.1:4321` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and destroys every socket, hung ones included. */
  close(): Promise<void>;
  /** Replaces all rules. */
  setScript(script: FakeScript): void;
  /** Prepends rules before the existing ones (they take precedence). */
  addRules(...rules: FakeRule[]): void;
  /** Clears the rules and the recorded requests. */
  reset(): void;
  /** The recorded requests, oldest first (the most recent `maxRecordedRequests`). */
  requests(): RecordedRequest[];
  /** Resolves once `n` requests were recorded since the last reset; rejects after `timeoutMs` (default 5 s). */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
}
