import { h } from './dom';

/** A dialog's status line, and a way to run an action that reports its outcome there. */
export function dialogStatus(): {
  element: HTMLParagraphElement;
  report(message: string, failed?: boolean): void;
  attempt(action: () => Promise<unknown>, done?: string): Promise<boolean>;
} {
  const element = h('p', { class: 'status', role: 'status' });
  const report = (message: string, failed = false) => {
    element.textContent = message;
    element.classList.toggle('error', failed);
  };
  const attempt = async (action: () => Promise<unknown>, done = '') => {
    report('');
    try {
      await action();
      report(done);
      return true;
    } catch (error) {
      report((error as Error).message, true);
      return false;
    }
  };
  return { element, report, attempt };
}
