/**
 * The scripted session's model, as fake-upstream rules. Prompt blocks are YAML with every string
 * double-quoted, so a literal `"` never reaches a manager prompt unescaped: `WORK "J5"` can only be a
 * worker's prompt (its user message is the task prompt as is), while `JOB \"J5\"` is the manager seeing
 * the user's `JOB "J5"` message.
 *
 * Per job, two rules with `times: 1`: the manager reply that creates its task, and the worker's tool call
 * that appends one line `J5` to `workspace/side-effects.log`. Spent rules are rebuilt by the harness only
 * while the runtime is down (`rebuild`), from what the work dir says is still missing — so a rule is
 * never offered twice for work that happened, and a killed attempt gets it again.
 */
import type { FakeRule, FakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';

export const SIDE_EFFECTS_FILE = 'side-effects.log';
export const CRON_EXPRESSION = '*/5 * * * * *';

/** Manager replies stream in small chunks, so there is a stream to kill in the middle of. */
const STREAM = { chunkSize: 6, chunkDelayMs: 4 } as const;

export const jobText = (tag: string) => `JOB "${tag}": please record it in the log.`;
export const chatText = (tag: string) => `CHAT "${tag}": how is it going?`;
export const remindText = (tag: string) => `REMIND "${tag}": remind me shortly.`;
export const CRON_SETUP_TEXT = 'CRON-SETUP: remind me to stretch every few seconds.';
/** The task prompt of a job (as the worker sees it). */
export const workPrompt = (tag: string) => `WORK "${tag}": append one line to ${SIDE_EFFECTS_FILE}.`;

const attr = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function managerJobRule(tag: string): FakeRule {
  return {
    match: { contains: `JOB \\"${tag}\\"` },
    times: 1,
    reply: { text: `On it: recording ${tag} now.\n<M:create_task prompt="${attr(workPrompt(tag))}" title="Job ${tag}" profile="standard"/>`, ...STREAM },
  };
}

export function workerToolRule(tag: string): FakeRule {
  return {
    match: { contains: `WORK "${tag}"` },
    times: 1,
    // The sleep keeps the tool running for a while: a window to be killed in, after the side effect.
    reply: { toolCalls: [{ name: 'shell', arguments: { command: `echo ${tag} >> ${SIDE_EFFECTS_FILE} && sleep 0.3` } }] },
  };
}

export function remindRule(tag: string, nowMs: number): FakeRule {
  const at = new Date(nowMs + 2_500).toISOString();
  return {
    match: { contains: `REMIND \\"${tag}\\"` },
    times: 1,
    reply: { text: `I will remind you (${tag}).\n<M:create_task prompt="Remind the user: ${tag}." title="Reminder ${tag}" scheduled_at="${at}"/>`, ...STREAM },
  };
}

export const cronSetupRule: FakeRule = {
  match: { contains: 'CRON-SETUP' },
  times: 1,
  reply: { text: `Scheduled.\n<M:create_task prompt="Remind the user to stretch." title="Stretch" cron="${CRON_EXPRESSION}" profile="standard"/>`, ...STREAM },
};

/** Always there, after the per-job rules. */
const GENERIC_RULES: FakeRule[] = [
  { match: { contains: 'WORK "' }, reply: { text: 'Appended the line.' } },
  { match: { contains: '<M:results>' }, reply: { text: 'Noted: the line is recorded in the log.', ...STREAM } },
  { match: { contains: 'cron_trigger' }, reply: { text: 'Time to stand up and stretch for a minute!', ...STREAM } },
  { reply: { text: 'Sure, noted. Anything else I can do for you?', ...STREAM } },
];

/** What the work dir says is still to do, per kind of rule. */
export interface PendingWork {
  /** Job tags whose input is known but not answered: their manager rule. */
  unansweredJobs: string[];
  /** Job tags whose task has not finished and never ran its tool: their worker rule. */
  toolNotRun: string[];
  unansweredReminders: string[];
  cronSetupUnanswered: boolean;
}

export class ScriptedModel {
  private readonly calls = new Map<string, number>();
  private scanned = 0;

  constructor(private readonly fake: FakeUpstream) {}

  /** Only while no runtime runs: the rules for exactly what is still missing. */
  rebuild(work: PendingWork, nowMs: number): void {
    this.fake.setScript({
      rules: [
        ...work.toolNotRun.map(workerToolRule),
        ...work.unansweredJobs.map(managerJobRule),
        ...work.unansweredReminders.map((tag) => remindRule(tag, nowMs)),
        ...(work.cronSetupUnanswered ? [cronSetupRule] : []),
        ...GENERIC_RULES,
      ],
    });
  }

  /** Before a job's input is sent: its rules take precedence over everything. */
  addJob(tag: string): void {
    this.fake.addRules(workerToolRule(tag), managerJobRule(tag));
  }

  addReminder(tag: string, nowMs: number): void {
    this.fake.addRules(remindRule(tag, nowMs));
  }

  addCronSetup(): void {
    this.fake.addRules(cronSetupRule);
  }

  /** Worker model calls per job so far (a worker's user message is its task prompt, `WORK "<tag>"…`). */
  workerCalls(): ReadonlyMap<string, number> {
    const requests = this.fake.requests();
    for (const r of requests.slice(this.scanned)) {
      const messages = (r.body as { messages?: Array<{ role?: string; content?: unknown }> }).messages ?? [];
      const user = messages.find((m) => m.role === 'user');
      const tag = typeof user?.content === 'string' ? /^WORK "([^"]+)"/.exec(user.content)?.[1] : undefined;
      if (tag !== undefined) this.calls.set(tag, (this.calls.get(tag) ?? 0) + 1);
    }
    this.scanned = requests.length;
    return this.calls;
  }
}
