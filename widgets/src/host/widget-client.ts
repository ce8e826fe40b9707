/**
 * What a widget driver needs from the logged-in Matrix session, as an interface we own.
 * `matrix-client-adapter.ts` implements it over matrix-js-sdk; unit tests use a fake.
 */
import type { IOpenIDCredentials, IRoomEvent } from "matrix-widget-api";

export interface ToDeviceRecipient {
  userId: string;
  deviceId: string;
}

export type DelayedEventAction = "cancel" | "restart" | "send";

export interface WidgetMatrixClient {
  readonly userId: string;
  readonly deviceId: string;
  readonly baseUrl: string;

  sendStateEvent(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    stateKey: string,
  ): Promise<{ event_id: string }>;
  /** Encrypts when the room is encrypted. */
  sendEvent(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
  ): Promise<{ event_id: string }>;
  redactEvent(roomId: string, eventId: string, reason?: string): Promise<{ event_id: string }>;

  /** MSC4140: `PUT …/state/…?org.matrix.msc4140.delay=ms`. */
  sendDelayedStateEvent(
    roomId: string,
    delayMs: number,
    type: string,
    content: Record<string, unknown>,
    stateKey: string,
  ): Promise<{ delay_id: string }>;
  sendDelayedEvent(
    roomId: string,
    delayMs: number,
    type: string,
    content: Record<string, unknown>,
  ): Promise<{ delay_id: string }>;
  updateDelayedEvent(delayId: string, action: DelayedEventAction): Promise<void>;

  /** Olm-encrypts `payload` for each device with the session's crypto, then sends it. */
  sendEncryptedToDevice(
    type: string,
    recipients: ToDeviceRecipient[],
    payload: Record<string, unknown>,
  ): Promise<void>;
  sendToDevice(
    type: string,
    messages: (ToDeviceRecipient & { payload: Record<string, unknown> })[],
  ): Promise<void>;

  /** Current state entries of a room (all state keys when `stateKey` is undefined). */
  roomState(roomId: string, type: string, stateKey: string | undefined): IRoomEvent[];
  /** The live timeline, oldest first, decrypted where possible. */
  roomTimeline(roomId: string): IRoomEvent[];
  knownRoomIds(): string[];

  openIdToken(): Promise<IOpenIDCredentials>;
  /** The raw answer of `GET /_matrix/client/unstable/org.matrix.msc4143/rtc/transports`. */
  homeserverRtcTransports(): Promise<unknown>;
  /** The client `.well-known` document, or null. */
  clientWellKnown(): Promise<unknown>;
  downloadMedia(mxcUri: string): Promise<Blob>;
}
