import { h } from './dom';

/** The message box: Enter sends, Shift+Enter starts a new line; typing is told as it happens. */
export class Composer {
  readonly element: HTMLFormElement;
  private readonly input: HTMLTextAreaElement;

  constructor(send: (text: string) => void, typing: () => void) {
    this.input = h('textarea', {
      id: 'composer',
      'aria-label': 'Message',
      rows: 1,
      maxlength: 1000,
      placeholder: 'Write a message',
      oninput: () => {
        if (this.input.value.trim() !== '') typing();
      },
      onkeydown: (event) => {
        const key = event as KeyboardEvent;
        if (key.key === 'Enter' && !key.shiftKey) {
          key.preventDefault();
          this.element.requestSubmit();
        }
      },
    });
    this.element = h(
      'form',
      {
        class: 'composer',
        onsubmit: (event) => {
          event.preventDefault();
          const text = this.input.value.trim();
          if (!text) return;
          send(text);
          this.input.value = '';
        },
      },
      this.input,
      h('button', { type: 'submit' }, 'Send'),
    );
  }

  /** Puts back a message the server refused, unless something else was typed meanwhile. */
  restore(text: string): void {
    if (this.input.value.trim() === '') this.input.value = text;
  }

  focus(): void {
    this.input.focus();
  }
}
