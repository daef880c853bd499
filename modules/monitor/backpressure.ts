/** What the monitor needs of a connected client (a `ws` WebSocket has all of it). */
export interface MonitorClient {
  /** Bytes queued for the client and not yet handed to the OS. */
  readonly bufferedAmount: number;
  send(data: string): void;
  /** Drops the connection at once. */
  terminate(): void;
}

/** Back-pressure limits in bytes. */
export interface BufferLimits {
  readonly softBufferBytes: number;
  readonly hardBufferBytes: number;
}

/** What happened to one message for one client. */
export type Delivery = 'sent' | 'dropped' | 'disconnected';

/**
 * Sends an event unless the client is slow: past the soft limit events are dropped (the caller
 * counts them), past the hard limit the client is disconnected.
 */
export function sendEvent(client: MonitorClient, data: string, limits: BufferLimits): Delivery {
  if (client.bufferedAmount > limits.hardBufferBytes) {
    client.terminate();
    return 'disconnected';
  }
  if (client.bufferedAmount > limits.softBufferBytes) return 'dropped';
  client.send(data);
  return 'sent';
}

/** Sends a snapshot (always, to a client under the hard limit; the others are disconnected). */
export function sendSnapshot(client: MonitorClient, data: string, limits: BufferLimits): Delivery {
  if (client.bufferedAmount > limits.hardBufferBytes) {
    client.terminate();
    return 'disconnected';
  }
  client.send(data);
  return 'sent';
}
