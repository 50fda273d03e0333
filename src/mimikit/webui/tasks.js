// The tasks panel: tasks and scheduled (cron) jobs, newest first, with status, profile, schedule, elapsed
// time (live while running), usage, cancel (pending/running) and the archive.

import { clockTime, el, elapsed, usageText, usageTitle } from './format.js';

const STATUS_LABEL = { pending: 'pending', running: 'running', succeeded: 'done', failed: 'failed', canceled: 'canceled' };

function scheduleText(task) {
  const s = task.schedule;
  if (!s) return '';
  const when = s.cron ? `cron ${s.cron}` : s.scheduledAt ? `at ${clockTime(s.scheduledAt)}` : '';
  const next = s.enabled && s.nextRunAt ? ` · next ${clockTime(s.nextRunAt)}` : '';
  return `${when}${s.timeZone ? ` (${s.timeZone})` : ''}${next}`;
}

function elapsedMs(task, now) {
  if (task.status === 'running' && task.startedAt) return now - Date.parse(task.startedAt);
  return task.durationMs;
}

export class TasksView {
  constructor({ list, counter, empty, onCancel, onArchive }) {
    this.list = list;
    this.counter = counter;
    this.empty = empty;
    this.onCancel = onCancel;
    this.onArchive = onArchive;
    this.tasks = new Map();
    this.nodes = new Map();
    this.keys = new Map(); // id → the JSON a node was rendered from (re-render only what changed)
    setInterval(() => this.tick(), 1000);
  }

  /** Replaces everything (a reload from /api/tasks). */
  reset(tasks) {
    this.tasks.clear();
    this.nodes.clear();
    this.keys.clear();
    for (const task of tasks) this.tasks.set(task.id, task);
    this.renderAll();
  }

  /** An update from an event: never older than what is shown. */
  upsert(task) {
    const known = this.tasks.get(task.id);
    if (known && known.changedAt > task.changedAt) return;
    this.tasks.set(task.id, task);
    this.renderAll();
  }

  renderAll() {
    const sorted = [...this.tasks.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    const nodes = sorted.map((task) => {
      const key = JSON.stringify(task);
      const old = this.nodes.get(task.id);
      if (old && this.keys.get(task.id) === key) return old;
      const node = this.render(task);
      this.keys.set(task.id, key);
      this.nodes.set(task.id, node);
      return node;
    });
    this.list.replaceChildren(...nodes);
    const active = sorted.filter((t) => t.kind === 'task' && (t.status === 'running' || t.status === 'pending')).length;
    this.counter.textContent = active > 0 ? String(active) : '';
    this.empty.hidden = sorted.length > 0;
  }

  render(task) {
    const cancellable = task.status === 'pending' || task.status === 'running';
    const time = elapsedMs(task, Date.now());
    return el(
      'li',
      { class: `task status-${task.status} profile-${task.profile}`, dataset: { id: task.id, status: task.status } },
      el('span', { class: 'task-dot', title: STATUS_LABEL[task.status] }),
      el(
        'div',
        { class: 'task-main' },
        el('div', { class: 'task-title', text: task.title || task.id, title: task.prompt }),
        el(
          'div',
          { class: 'task-meta' },
          el('span', { class: 'task-status', text: STATUS_LABEL[task.status] }),
          el('span', { class: 'task-profile', text: task.profile }),
          task.kind === 'cron' ? el('span', { class: 'task-schedule', text: scheduleText(task) }) : undefined,
          el('span', { class: 'task-elapsed', dataset: task.status === 'running' && task.startedAt ? { since: task.startedAt } : {}, text: time !== undefined ? elapsed(time) : '' }),
          task.usage && usageText(task.usage) ? el('span', { class: 'task-usage', text: usageText(task.usage), title: usageTitle(task.usage) }) : undefined,
        ),
      ),
      el(
        'div',
        { class: 'task-actions' },
        el('button', { type: 'button', class: 'task-archive', text: 'Archive', title: 'Open the task archive', onclick: () => this.onArchive(task) }),
        cancellable ? el('button', { type: 'button', class: 'task-cancel danger', text: 'Cancel', onclick: (e) => this.cancel(e.currentTarget, task) }) : undefined,
      ),
    );
  }

  async cancel(button, task) {
    button.disabled = true;
    button.textContent = 'Canceling…';
    try {
      await this.onCancel(task);
    } catch (e) {
      button.textContent = 'Cancel';
      button.disabled = false;
      button.title = e.message;
    }
  }

  tick() {
    const now = Date.now();
    for (const node of this.list.querySelectorAll('.task-elapsed[data-since]')) node.textContent = elapsed(now - Date.parse(node.dataset.since));
  }
}
