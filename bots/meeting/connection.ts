import type { MatrixApi } from "../matrix/matrix-api.ts";

/** A text message a bot received, decrypted when it was encrypted. */
export interface IncomingMessage {
  roomId: string;
  eventId: string;
  sender: string;
  msgtype: string;
  body: string;
  encrypted: boolean;
}

export interface ConnectionHandlers {
  message(m: IncomingMessage): Promise<void>;
  log(line: string): void;
  /** The bot's previous device, to retire when a new one starts (crypto connections). */
  device: {
    get(): { deviceId: string; accessToken: string } | undefined;
    set(d: { deviceId: string; accessToken: string }): Promise<void>;
  };
}

/**
 * How a bot hears and speaks: the room events it receives, and messages it sends (encrypted
 * in encrypted rooms when the connection can). Plain REST calls go through `api`.
 */
export interface BotConnection {
  readonly api: MatrixApi;
  start(handlers: ConnectionHandlers): Promise<void>;
  stop(): Promise<void>;
  /** Sends an event; the same `txnId` sends it once, however often it is retried. */
  send(roomId: string, content: Record<string, unknown>, txnId: string): Promise<void>;
}
