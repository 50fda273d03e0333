/**
 * The ManagerDaemon (ROUTECODEX.md §7): runs modules in the server process. `start` initialises every
 * module in registration order, then starts each in order; `stop` stops them in reverse order. Each
 * step of each module is isolated: one that throws (or does not settle within `stepTimeoutMs`) is
 * logged with its id and marked `failed`, and the others carry on — one module never takes the server
 * down, and start-up never hangs on a module.
 */
import type { ManagerContext, ManagerModule, ModuleStatus } from './types.js';

export interface ModuleStatusEntry {
  id: string;
  status: ModuleStatus;
  /** Which step failed and why (`failed` only). */
  error?: string;
}

export interface ManagerDaemonOptions {
  /** Longest a module's init, start or stop may take before it is marked failed (default 30 s). */
  stepTimeoutMs?: number;
}

interface Slot {
  module: ManagerModule;
  status: ModuleStatus;
  error?: string;
  /** True once `start()` was called: stop() is due even if start failed half-way. */
  startCalled: boolean;
}

type Step = 'init' | 'start' | 'stop';

export class ManagerDaemon {
  private readonly slots: Slot[] = [];
  private context: ManagerContext | undefined;
  private readonly stepTimeoutMs: number;
  private phase: 'idle' | 'started' | 'stopped' = 'idle';

  constructor(options: ManagerDaemonOptions = {}) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? 30_000;
  }

  register(module: ManagerModule): this {
    if (this.phase !== 'idle') throw new Error(`cannot register module "${module.id}" after the daemon started`);
    if (this.slots.some((s) => s.module.id === module.id)) throw new Error(`a module with id "${module.id}" is already registered`);
    this.slots.push({ module, status: 'registered', startCalled: false });
    return this;
  }

  async start(context: ManagerContext): Promise<void> {
    if (this.phase !== 'idle') throw new Error('the manager daemon was already started');
    this.phase = 'started';
    this.context = context;
    for (const slot of this.slots) {
      if (await this.run(slot, 'init', () => slot.module.init(context))) slot.status = 'initialized';
    }
    for (const slot of this.slots) {
      if (slot.status !== 'initialized') continue;
      slot.startCalled = true;
      if (await this.run(slot, 'start', () => slot.module.start())) slot.status = 'started';
    }
    context.logger.info({ modules: this.status() }, 'manager daemon started');
  }

  /** Stops, in reverse order, every module whose start was called (also one whose start failed). */
  async stop(): Promise<void> {
    if (this.phase !== 'started') return;
    this.phase = 'stopped';
    for (const slot of [...this.slots].reverse()) {
      if (!slot.startCalled) continue;
      const wasFailed = slot.status === 'failed';
      if ((await this.run(slot, 'stop', () => slot.module.stop())) && !wasFailed) slot.status = 'stopped';
    }
  }

  status(): ModuleStatusEntry[] {
    return this.slots.map((s) => ({ id: s.module.id, status: s.status, ...(s.error !== undefined ? { error: s.error } : {}) }));
  }

  get<T extends ManagerModule = ManagerModule>(id: string): T | undefined {
    return this.slots.find((s) => s.module.id === id)?.module as T | undefined;
  }

  /** Runs one step of one module; false (and the module marked failed) when it throws or times out. */
  private async run(slot: Slot, step: Step, fn: () => Promise<void> | void): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${this.stepTimeoutMs} ms`)), this.stepTimeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([Promise.resolve().then(fn), timeout]);
      return true;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      slot.status = 'failed';
      slot.error = slot.error ? `${slot.error}; ${step}: ${message}` : `${step}: ${message}`;
      this.context?.logger.error({ module: slot.module.id, step, err: e }, `manager module "${slot.module.id}" failed to ${step}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
