import type { ChatClient } from '@chat/client';

/** Without a key, a click or a scroll for this long, the user is away (5 minutes). */
const IDLE_MS = 5 * 60_000;
/** For tests: another idle time, in milliseconds, from localStorage. */
const IDLE_KEY = 'chat.idleMs';
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'focus'];

/**
 * Tells the server this tab is `away` while it is hidden or idle, and `online` again at the next
 * sign of the user. Returns the function that stops it.
 */
export function trackActivity(client: Pick<ChatClient, 'setPresence'>): () => void {
  const idleMs = Number(localStorage.getItem(IDLE_KEY)) || IDLE_MS;
  let lastActive = Date.now();
  let status: 'online' | 'away' = 'online';
  let timer: ReturnType<typeof setTimeout> | undefined;

  const set = (next: 'online' | 'away') => {
    if (next === status) return;
    status = next;
    client.setPresence(next).catch((error: unknown) => console.warn(error));
  };
  const checkIdle = () => {
    const idleFor = Date.now() - lastActive;
    if (idleFor >= idleMs) set('away');
    else timer = setTimeout(checkIdle, idleMs - idleFor);
  };
  const active = () => {
    lastActive = Date.now();
    if (document.visibilityState !== 'visible') return;
    if (status === 'away') {
      set('online');
      clearTimeout(timer);
      timer = setTimeout(checkIdle, idleMs);
    }
  };
  const visibility = () => {
    if (document.visibilityState === 'visible') active();
    else set('away');
  };

  ACTIVITY_EVENTS.forEach((type) => window.addEventListener(type, active, { passive: true }));
  document.addEventListener('visibilitychange', visibility);
  timer = setTimeout(checkIdle, idleMs);
  visibility();
  return () => {
    clearTimeout(timer);
    ACTIVITY_EVENTS.forEach((type) => window.removeEventListener(type, active));
    document.removeEventListener('visibilitychange', visibility);
  };
}
