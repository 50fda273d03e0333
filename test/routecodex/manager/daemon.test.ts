/** ManagerDaemon: registration-order start, reverse-order stop, failing modules isolated and reported. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { ManagerDaemon } from '../../../src/routecodex/manager/daemon.js';
import type { ManagerContext, ManagerModule } from '../../../src/routecodex/manager/types.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { captureLogger, contextOf, ERROR, fileStore } from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Step = 'init' | 'start' | 'stop';

class Probe implements ManagerModule {
  seenServerId: string | undefined;
  constructor(
    readonly id: string,
    private readonly log: string[],
    private readonly failAt: Partial<Record<Step, 'throw' | 'reject' | 'hang'>> = {},
  ) {}
  private step(step: Step): Promise<void> | void {
    this.log.push(`${this.id}:${step}`);
    const how = this.failAt[step];
    if (how === 'throw') throw new Error(`${this.id} cannot ${step}`);
    if (how === 'reject') return Promise.reject(new Error(`${this.id} rejected ${step}`));
    if (how === 'hang') return new Promise<void>(() => undefined);
    return Promise.resolve();
  }
  init(context: ManagerContext) {
    this.seenServerId = context.serverId;
    return this.step('init');
  }
  start() {
    return this.step('start');
  }
  stop() {
    return this.step('stop');
  }
}

async function setup() {
  const home = await tempDir('rcx-daemon-');
  cleanups.push(home.remove);
  const clock = new ManualClock();
  const cap = captureLogger();
  const context = await contextOf(fileStore(home.path, clock, cap.logger), home.path, clock, cap.logger);
  return { context, cap };
}

describe('ManagerDaemon', () => {
  it('inits every module in registration order, then starts each in order, and stops them in reverse', async () => {
    const { context } = await setup();
    const log: string[] = [];
    const daemon = new ManagerDaemon().register(new Probe('a', log)).register(new Probe('b', log)).register(new Probe('c', log));
    await daemon.start(context);
    expect(log).toEqual(['a:init', 'b:init', 'c:init', 'a:start', 'b:start', 'c:start']);
    expect(daemon.status()).toEqual([
      { id: 'a', status: 'started' },
      { id: 'b', status: 'started' },
      { id: 'c', status: 'started' },
    ]);
    expect(daemon.get<Probe>('b')?.seenServerId).toBe('unit');
    expect(daemon.get('nope')).toBeUndefined();
    log.length = 0;
    await daemon.stop();
    expect(log).toEqual(['c:stop', 'b:stop', 'a:stop']);
    expect(daemon.status().map((s) => s.status)).toEqual(['stopped', 'stopped', 'stopped']);
    await daemon.stop(); // idempotent
    expect(log).toHaveLength(3);
  });

  it('a module that fails to init is logged with its id, marked failed, never started or stopped; the others run', async () => {
    const { context, cap } = await setup();
    const log: string[] = [];
    const daemon = new ManagerDaemon()
      .register(new Probe('a', log))
      .register(new Probe('b', log, { init: 'throw' }))
      .register(new Probe('c', log));
    await daemon.start(context);
    expect(log).toEqual(['a:init', 'b:init', 'c:init', 'a:start', 'c:start']);
    expect(daemon.status()).toEqual([
      { id: 'a', status: 'started' },
      { id: 'b', status: 'failed', error: 'init: b cannot init' },
      { id: 'c', status: 'started' },
    ]);
    const reported = cap.lines.find((l) => l.level === ERROR && l.module === 'b');
    expect(reported?.step).toBe('init');
    expect(JSON.stringify(reported?.err)).toContain('b cannot init');
    log.length = 0;
    await daemon.stop();
    expect(log).toEqual(['c:stop', 'a:stop']);
  });

  it('a module whose start rejects is still stopped (it may have started half-way); a failing stop does not stop the others', async () => {
    const { context, cap } = await setup();
    const log: string[] = [];
    const daemon = new ManagerDaemon()
      .register(new Probe('a', log, { stop: 'throw' }))
      .register(new Probe('b', log, { start: 'reject' }))
      .register(new Probe('c', log));
    await daemon.start(context);
    expect(daemon.status().map((s) => s.status)).toEqual(['started', 'failed', 'started']);
    log.length = 0;
    await daemon.stop();
    expect(log).toEqual(['c:stop', 'b:stop', 'a:stop']);
    expect(daemon.status()).toEqual([
      { id: 'a', status: 'failed', error: 'stop: a cannot stop' },
      { id: 'b', status: 'failed', error: 'start: b rejected start' },
      { id: 'c', status: 'stopped' },
    ]);
    expect(cap.lines.filter((l) => l.level === ERROR).map((l) => `${String(l.module)}:${String(l.step)}`)).toEqual(['b:start', 'a:stop']);
  });

  it('a module that never finishes starting is marked failed after the step timeout; start-up goes on', async () => {
    const { context } = await setup();
    const log: string[] = [];
    const daemon = new ManagerDaemon({ stepTimeoutMs: 50 }).register(new Probe('slow', log, { start: 'hang' })).register(new Probe('next', log));
    await daemon.start(context);
    expect(daemon.status()).toEqual([
      { id: 'slow', status: 'failed', error: 'start: did not finish within 50 ms' },
      { id: 'next', status: 'started' },
    ]);
    await daemon.stop();
  });

  it('refuses duplicate ids and registration after start', async () => {
    const { context } = await setup();
    const daemon = new ManagerDaemon().register(new Probe('a', []));
    expect(() => daemon.register(new Probe('a', []))).toThrow(/already registered/);
    await daemon.start(context);
    expect(() => daemon.register(new Probe('b', []))).toThrow(/after the daemon started/);
    await expect(daemon.start(context)).rejects.toThrow(/already started/);
    await daemon.stop();
  });
});
