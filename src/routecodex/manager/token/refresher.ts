/**
 * The leader's background loop: every `intervalMs`, each token of a configured OAuth provider that expires
 * within its `refreshAheadMs` is refreshed (one at a time, through the single-flight service). Suspended
 * and backing-off tokens are skipped. Ticks never overlap; `stop()` waits for the running one.
 */
import path from 'node:path';
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import { TokenError } from './token-errors.js';
import { listTokenFiles } from './token-files.js';
import { isFresh } from './freshness.js';
import type { TokenService } from './token-service.js';

export interface TickReport {
  checked: number;
  refreshed: string[];
  failed: string[];
  /** Suspended or backing off. */
  skipped: string[];
}

export class BackgroundRefresher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickReport> | undefined;
  private active = false;

  constructor(
    private readonly service: TokenService,
    private readonly authDir: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.loop();
  }

  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    await this.running;
  }

  async tick(): Promise<TickReport> {
    const report: TickReport = { checked: 0, refreshed: [], failed: [], skipped: [] };
    for (const file of await listTokenFiles(this.authDir)) {
      const settings = this.service.settingsOf(file);
      if (!settings) continue;
      const name = path.basename(file);
      report.checked++;
      try {
        const token = await this.service.reader.read(file);
        if (!token.refreshToken || token.noRefresh || isFresh(token, settings.refreshAheadMs, this.clock.now())) continue;
        await this.service.refresh(file, 'ahead');
        report.refreshed.push(name);
      } catch (e) {
        if (e instanceof TokenError && (e.kind === 'suspended' || e.kind === 'backoff')) report.skipped.push(name);
        else {
          report.failed.push(name);
          if (!(e instanceof TokenError)) this.logger.warn({ file: name, err: (e as Error).message }, 'token file unusable');
        }
      }
    }
    return report;
  }

  private loop(): void {
    if (!this.active) return;
    this.running = this.tick()
      .catch((e: unknown) => {
        this.logger.warn({ err: (e as Error).message }, 'background token refresh failed');
        return { checked: 0, refreshed: [], failed: [], skipped: [] };
      })
      .finally(() => {
        if (!this.active) return;
        this.timer = setTimeout(() => this.loop(), this.intervalMs);
        this.timer.unref();
      });
  }
}
