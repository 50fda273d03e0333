/**
 * Change notices between instances: one pub/sub channel `<prefix>events` carrying
 * `{instance, kind, key}` (health: a providerKey; session: a session id). Each store has its own random
 * instance id and ignores its own notices. A notice says only WHAT changed; the receiver reads the value
 * (so a notice can never carry a stale copy). Notices lost while a connection was down are made up for
 * by the modules' reconcile when the link is restored.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../../../shared/logger.js';
import type { RedisLink } from './connection.js';
import { errorText } from './connection.js';

export type NoticeKind = 'health' | 'session';

const noticeSchema = z.object({ instance: z.string(), kind: z.enum(['health', 'session']), key: z.string().min(1) });

export class RedisNotices {
  readonly instance = randomBytes(8).toString('hex');
  private readonly handlers = new Map<NoticeKind, (key: string) => void>();
  private readonly onMessage = (channel: string, message: string) => this.receive(channel, message);

  constructor(
    private readonly link: RedisLink,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {
    link.subscriber.on('message', this.onMessage);
  }

  /** Subscribes the channel (ioredis re-subscribes by itself after a reconnection). */
  async start(): Promise<void> {
    try {
      await this.link.subscriber.subscribe(this.channel);
    } catch (e) {
      // Not connected yet: 'ready' re-runs it below, and the first restore reconciles what was missed.
      this.logger.debug({ err: errorText(e) }, 'redis: subscribing failed; retrying once connected');
      this.link.subscriber.once('ready', () => void this.start());
    }
  }

  /** The message a write of this instance publishes. */
  message(kind: NoticeKind, key: string): string {
    return JSON.stringify({ instance: this.instance, kind, key });
  }

  /** One handler per kind (the store's facets). */
  handle(kind: NoticeKind, handler: (key: string) => void): void {
    this.handlers.set(kind, handler);
  }

  stop(): void {
    this.link.subscriber.off('message', this.onMessage);
    this.handlers.clear();
  }

  private receive(channel: string, message: string): void {
    if (channel !== this.channel) return;
    let notice: z.infer<typeof noticeSchema>;
    try {
      notice = noticeSchema.parse(JSON.parse(message));
    } catch (e) {
      this.logger.warn({ channel, err: errorText(e) }, 'redis: ignored a malformed change notice');
      return;
    }
    if (notice.instance === this.instance) return;
    this.handlers.get(notice.kind)?.(notice.key);
  }
}
