// The composer: Enter sends, Shift+Enter is a new line, the draft survives a reload (localStorage), and a
// quoted message is previewed above the text and sent as `quote`.

const DRAFT_KEY = 'mimikit:webui:composer-draft';

export class Composer {
  constructor({ form, input, preview, previewText, clearQuote, onSend }) {
    this.form = form;
    this.input = input;
    this.preview = preview;
    this.previewText = previewText;
    this.onSend = onSend;
    this.quote = undefined;
    this.sending = false;
    input.value = localStorage.getItem(DRAFT_KEY) ?? '';
    this.resize();
    input.addEventListener('input', () => {
      localStorage.setItem(DRAFT_KEY, input.value);
      this.resize();
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.send();
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    clearQuote.addEventListener('click', () => this.setQuote(undefined));
  }

  setQuote(quote) {
    this.quote = quote;
    this.preview.hidden = !quote;
    this.previewText.textContent = quote ? quote.excerpt : '';
    if (quote) this.input.focus();
  }

  async send() {
    const text = this.input.value;
    if (this.sending || text.trim() === '') return;
    this.sending = true;
    this.form.classList.add('is-sending');
    try {
      await this.onSend(text, this.quote?.id);
      this.input.value = '';
      localStorage.removeItem(DRAFT_KEY);
      this.setQuote(undefined);
      this.resize();
    } finally {
      this.sending = false;
      this.form.classList.remove('is-sending');
    }
  }

  resize() {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 200)}px`;
  }
}
