/**
 * The `M:environment` block. Only what the client told us about its time (from the latest input)
 * and why the manager woke up; deliberately no server time (`now_iso`): the model reasons in the
 * user's clock, and a server clock would contradict it.
 */
import type { WakeSource } from '../model/messages.js';
import { yamlBlock } from './blocks.js';

export interface EnvironmentInput {
  /** Absolute path of the work dir. */
  workDir: string;
  clientTimeZone?: string | undefined;
  clientNowIso?: string | undefined;
  /** Why this call happens; several sources when a batch mixes them. Absent for workers. */
  wake?: WakeSource | readonly WakeSource[] | undefined;
}

export function environmentBlock(input: EnvironmentInput): string {
  const wake = input.wake === undefined ? [] : typeof input.wake === 'string' ? [input.wake] : [...new Set(input.wake)];
  return yamlBlock('environment', {
    work_dir: input.workDir,
    client_time_zone: input.clientTimeZone?.trim(),
    client_now_iso: input.clientNowIso?.trim(),
    wake_source: wake.join(','),
  });
}
