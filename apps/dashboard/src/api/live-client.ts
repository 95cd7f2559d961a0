import { io, type Socket } from 'socket.io-client';
import type { Alert, ReplayProgress, Spectrum, TwinState } from './types';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

interface LiveEvents {
  twin: TwinState;
  alert: Alert;
  spectrum: Spectrum & { cellId?: string };
  'replay.progress': ReplayProgress;
}
type Listener<E extends keyof LiveEvents> = (payload: LiveEvents[E]) => void;

export interface SubscribeAck {
  ok: boolean;
  state?: TwinState | null;
  error?: { field: string; reason: string };
}

type Subscription = { cellId: string } | { alerts: true } | { replayId: string };
const keyOf = (s: Subscription) =>
  'cellId' in s ? `cell:${s.cellId}` : 'alerts' in s ? 'alerts' : `replay:${s.replayId}`;

/**
 * The one socket.io connection to `/live`. Subscriptions are reference-counted so views can come and
 * go; after a reconnect every subscription is sent again and `onResync` listeners refetch their state.
 */
export class LiveClient {
  private readonly socket: Socket;
  private readonly subscriptions = new Map<
    string,
    { sub: Subscription; acks: Set<(ack: SubscribeAck) => void> }
  >();
  private readonly statusListeners = new Set<(s: ConnectionState) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private everConnected = false;
  private current: ConnectionState = 'connecting';

  constructor(token: string, onUnauthorized: () => void) {
    this.socket = io('/live', {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket.on('connect', () => {
      this.setStatus('connected');
      for (const { sub, acks } of this.subscriptions.values()) this.emitSubscribe(sub, acks);
      if (this.everConnected) this.resyncListeners.forEach((l) => l());
      this.everConnected = true;
    });
    this.socket.on('disconnect', (reason) => {
      // The server closing us (auth revoked) is final; anything else reconnects on its own.
      if (reason === 'io server disconnect') {
        this.setStatus('disconnected');
        setTimeout(() => this.socket.connect(), 2000);
      } else this.setStatus('reconnecting');
    });
    this.socket.on('connect_error', (error) => {
      if (/unauthorized|forbidden/i.test(error.message)) {
        this.socket.disconnect();
        onUnauthorized();
        return;
      }
      this.setStatus(this.everConnected ? 'reconnecting' : 'disconnected');
    });
  }

  get status(): ConnectionState {
    return this.current;
  }

  onStatus(listener: (s: ConnectionState) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.current);
    return () => this.statusListeners.delete(listener);
  }

  /** Called after every reconnect (not the first connect): refetch whatever may have been missed. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  on<E extends keyof LiveEvents>(event: E, listener: Listener<E>): () => void {
    const handler = listener as (payload: unknown) => void;
    this.socket.on(event as string, handler);
    return () => void this.socket.off(event as string, handler);
  }

  /**
   * Joins a room. `onAck` receives the server's answer (for a cell, its current state) after the join
   * and again after every re-join on reconnect. Returns the leave function.
   */
  subscribe(sub: Subscription, onAck?: (ack: SubscribeAck) => void): () => void {
    const key = keyOf(sub);
    let entry = this.subscriptions.get(key);
    if (!entry) {
      entry = { sub, acks: new Set() };
      this.subscriptions.set(key, entry);
    }
    const ack = onAck ?? (() => undefined);
    entry.acks.add(ack);
    if (this.socket.connected) this.emitSubscribe(sub, new Set([ack]));
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const e = this.subscriptions.get(key);
      if (!e) return;
      e.acks.delete(ack);
      if (e.acks.size > 0) return;
      this.subscriptions.delete(key);
      if (this.socket.connected) this.socket.emit('unsubscribe', sub);
    };
  }

  private emitSubscribe(sub: Subscription, acks: ReadonlySet<(ack: SubscribeAck) => void>): void {
    this.socket.timeout(10_000).emit('subscribe', sub, (err: Error | null, answer: SubscribeAck) => {
      if (!err) acks.forEach((a) => a(answer));
    });
  }

  close(): void {
    this.socket.disconnect();
    this.statusListeners.clear();
    this.resyncListeners.clear();
  }

  private setStatus(status: ConnectionState): void {
    this.current = status;
    this.statusListeners.forEach((l) => l(status));
  }
}
