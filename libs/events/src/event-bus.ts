import { Logger } from '@nestjs/common';
import { ChatEvent } from './chat-events';

export type EventListener = (event: ChatEvent) => void;
export type ConnectionListener = (connected: boolean) => void;

/**
 * The fan-out bus: what one instance publishes, every instance's subscribers receive, in the order
 * it was published. Delivery on the publishing instance is synchronous and never depends on the
 * transport between instances.
 */
export abstract class EventBus {
  protected readonly logger = new Logger(this.constructor.name);
  private readonly listeners = new Set<EventListener>();
  private readonly connectionListeners = new Set<ConnectionListener>();

  abstract publish(event: ChatEvent): void;

  /**
   * From now on this instance also receives the other instances' events of this room (every
   * instance receives the events that are not a room's, and membership changes). Counted: each
   * call needs its own unwatchRoom(). Resolves true once a subscription made by this call holds:
   * what the others published before it may have been missed.
   */
  abstract watchRoom(roomId: number): Promise<boolean>;

  abstract unwatchRoom(roomId: number): void;

  /** Whether events reach the other instances (always, with only one). */
  abstract isConnected(): boolean;

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told each time the link to the other instances goes down or comes back. */
  onConnectionChange(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  protected connectionChanged(connected: boolean): void {
    for (const listener of this.connectionListeners) listener(connected);
  }

  protected deliver(event: ChatEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`A ${event.type} listener failed`, (error as Error).stack);
      }
    }
  }
}

/** One instance: events go straight to this process's subscribers. */
export class LocalEventBus extends EventBus {
  publish(event: ChatEvent): void {
    this.deliver(event);
  }

  watchRoom(_roomId: number): Promise<boolean> {
    return Promise.resolve(false);
  }

  unwatchRoom(_roomId: number): void {}

  isConnected(): boolean {
    return true;
  }
}
