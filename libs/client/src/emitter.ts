/** Typed listeners, one set per event name; a throwing listener does not stop the others. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(value: never) => void>>();

  constructor(private readonly onListenerError: (error: unknown, type: keyof Events) => void) {}

  /** Calls `listener` on every `type` event; returns the function that stops it. */
  on<K extends keyof Events>(type: K, listener: (value: Events[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  emit<K extends keyof Events>(type: K, value: Events[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        (listener as (value: Events[K]) => void)(value);
      } catch (error) {
        this.onListenerError(error, type);
      }
    }
  }
}
