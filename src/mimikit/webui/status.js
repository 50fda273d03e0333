// The status indicator (connecting / idle / running / offline / restarting), the setup banner, and
// restart / reset: confirm, POST, then wait for a NEW runtimeId on /api/status and reload the page.

import { getJson, postJson } from './api.js';

const LABELS = { connecting: 'connecting', idle: 'idle', running: 'running', offline: 'offline', restarting: 'restarting', resetting: 'resetting', failed: 'restart failed' };

export class StatusView {
  constructor({ root, text, banner }) {
    this.root = root;
    this.text = text;
    this.banner = banner;
    this.status = undefined;
    this.connection = 'connecting';
    this.override = undefined;
  }

  setStatus(status) {
    this.status = status;
    if (status.setupHint) this.showProblem(status.setupHint);
    else if (this.problem === 'auth') this.hideProblem();
    this.paint();
  }

  /** A banner the user must act on (a setup hint, a missing token). */
  showProblem(text, kind = 'setup') {
    this.problem = kind;
    this.banner.textContent = text;
    this.banner.hidden = false;
  }

  hideProblem() {
    this.problem = undefined;
    this.banner.hidden = true;
  }

  /** The live connection failed: tell the user when it is the token (the stream cannot say so itself). */
  async diagnose() {
    try {
      await getJson('/api/status');
    } catch (e) {
      if (e.status === 401) this.showProblem('This server needs its API token: open the page as /?token=<MIMIKIT_API_TOKEN>.', 'auth');
    }
  }

  setConnection(state) {
    this.connection = state;
    this.paint();
  }

  paint() {
    let state = this.override;
    if (!state) state = this.connection === 'open' ? (this.status?.agentStatus === 'running' ? 'running' : this.status ? 'idle' : 'connecting') : this.status ? 'offline' : 'connecting';
    this.root.dataset.state = state;
    this.text.textContent = LABELS[state];
    const icon = document.querySelector('link[rel="icon"]');
    if (icon) icon.href = `/ui/favicon-${state === 'running' ? 'running' : state === 'idle' ? 'idle' : 'offline'}.svg`;
  }

  /** POST restart|reset, then reload once a new runtime answers (up to 60 s). */
  async restart(action) {
    this.override = action === 'reset' ? 'resetting' : 'restarting';
    this.paint();
    try {
      const before = (await getJson('/api/status')).body.runtimeId;
      await postJson(`/api/${action}`);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 300));
        try {
          const { body } = await getJson('/api/status');
          if (body.runtimeId && body.runtimeId !== before) {
            location.reload();
            return;
          }
        } catch {
          // the old runtime is gone and the new one not up yet
        }
      }
      throw new Error('no new runtime answered within 60 s');
    } catch (e) {
      this.override = 'failed';
      this.paint();
      this.text.title = e.message;
    }
  }
}
