// Wires the page: initial state from the REST endpoints, live updates from /api/events, and the controls.
// A reload of the state (first connection, or `reset` when the stream lost its place) queues the events
// that arrive meanwhile and applies only those newer than each REST answer (its X-Mimikit-Seq header).

import { getJson, getText, postJson } from './api.js';
import { Composer } from './composer.js';
import { EventStream } from './events.js';
import { ChatView } from './messages.js';
import { StatusView } from './status.js';
import { TasksView } from './tasks.js';

const $ = (id) => document.getElementById(id);
let errors = 0;

function showError(error) {
  chat.upsert({ id: `local-error-${++errors}`, role: 'system', text: `Error · ${error.message ?? error}`, createdAt: new Date().toISOString() });
}

const chat = new ChatView({
  scroller: $('chat'),
  list: $('messages'),
  live: $('live'),
  onQuote: (m) => composer.setQuote({ id: m.id, excerpt: chat.excerpt(m.id) }),
});

const tasks = new TasksView({
  list: $('tasks'),
  counter: $('task-count'),
  empty: $('tasks-empty'),
  onCancel: (task) => postJson(`/api/tasks/${encodeURIComponent(task.id)}/cancel`),
  onArchive: (task) => void openArchive(task).catch(showError),
});

const status = new StatusView({ root: $('status'), text: $('status-text'), banner: $('setup-banner') });

const composer = new Composer({
  form: $('composer'),
  input: $('input'),
  preview: $('quote-preview'),
  previewText: $('quote-text'),
  clearQuote: $('quote-clear'),
  onSend: async (text, quote) => {
    const body = { text, ...(quote ? { quote } : {}), clientTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, clientNowIso: new Date().toISOString(), clientLocale: navigator.language };
    try {
      const { id } = await postJson('/api/input', body);
      chat.upsert({ id, role: 'user', text, createdAt: new Date().toISOString(), pending: true, ...(quote ? { quote } : {}) });
    } catch (e) {
      showError(e);
      throw e;
    }
  },
});

let queue; // events received while the state reloads

function apply(kind, data) {
  switch (kind) {
    case 'ready':
    case 'reset':
      void reload();
      break;
    case 'message':
    case 'input':
      chat.upsert(data.message);
      break;
    case 'task':
      tasks.upsert(data.task);
      break;
    case 'status':
      status.setStatus(data.status);
      chat.setBusy(data.status.managerRunning);
      break;
    case 'stream':
      chat.stream(data.id, data.delta);
      break;
    case 'stream_snapshot':
      chat.streamSnapshot(data.id, data.text);
      break;
    case 'stream_end':
      chat.streamEnd(data.id, data.reason, data.messageId);
      break;
  }
}

async function reload() {
  const pending = [];
  queue = pending;
  try {
    const [st, messages, taskList] = await Promise.all([getJson('/api/status'), getJson('/api/messages?limit=200'), getJson('/api/tasks')]);
    chat.clear();
    for (const m of messages.body.messages) chat.upsert(m);
    chat.scrollToBottom();
    tasks.reset(taskList.body.tasks);
    status.setStatus(st.body);
    chat.setBusy(st.body.managerRunning);
    const floor = { status: st.seq, task: taskList.seq, message: messages.seq, input: messages.seq };
    if (queue === pending) queue = undefined;
    for (const [kind, data] of pending) if (!(kind in floor) || data.seq > floor[kind]) apply(kind, data);
  } catch (e) {
    if (queue === pending) queue = undefined;
    showError(e);
  }
}

const events = new EventStream({
  onEvent: (kind, data) => {
    if (queue && kind !== 'ready' && kind !== 'reset') queue.push([kind, data]);
    else apply(kind, data);
  },
  onConnection: (state) => {
    status.setConnection(state);
    if (state === 'reconnecting') void status.diagnose();
  },
});
events.connect();

async function openArchive(task) {
  const res = await getText(`/api/tasks/${encodeURIComponent(task.id)}/archive`);
  $('archive-title').textContent = task.title || task.id;
  $('archive-text').textContent = await res.text();
  $('archive-dialog').showModal();
}

async function exportChat() {
  const res = await getText('/api/messages/export?limit=1000');
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'mimikit-chat.md';
  const url = URL.createObjectURL(await res.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function setupRestartDialog() {
  const dialog = $('restart-dialog');
  const reset = $('reset-confirm');
  const warning = $('reset-warning');
  $('restart').addEventListener('click', () => {
    warning.hidden = true;
    reset.textContent = 'Reset…';
    dialog.showModal();
  });
  $('restart-cancel').addEventListener('click', () => dialog.close());
  $('restart-confirm').addEventListener('click', () => {
    dialog.close();
    void status.restart('restart');
  });
  reset.addEventListener('click', () => {
    if (warning.hidden) {
      warning.hidden = false;
      reset.textContent = 'Erase everything and reset';
      return;
    }
    dialog.close();
    void status.restart('reset');
  });
}

setupRestartDialog();
$('export').addEventListener('click', () => void exportChat().catch(showError));
// Narrow screens: the panel is a drawer (closed by default); wide ones: a side column (open by default).
const narrow = matchMedia('(max-width: 900px)');
$('tasks-toggle').addEventListener('click', () => document.body.classList.toggle(narrow.matches ? 'tasks-open' : 'tasks-closed'));
$('tasks-close').addEventListener('click', () => document.body.classList.remove('tasks-open'));
$('archive-close').addEventListener('click', () => $('archive-dialog').close());
