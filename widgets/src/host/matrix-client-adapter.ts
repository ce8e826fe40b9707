/**
 * The widget host's view of a matrix-js-sdk session: `WidgetMatrixClient` (actions) and
 * `WidgetEventFeed` (what happens in rooms and to-device) over one `MatrixClient` with Rust
 * crypto. The only file of the widget host that imports matrix-js-sdk's runtime.
 */
import {
  ClientEvent,
  Direction,
  EventType,
  MatrixEventEvent,
  Method,
  RoomEvent,
  RoomStateEvent,
  type IContent,
  type MatrixClient,
  type MatrixEvent,
  type ReceivedToDeviceMessage,
  type Room,
  type RoomState,
  type IRoomTimelineData,
} from "matrix-js-sdk";
import type { IRoomEvent } from "matrix-widget-api";
import type { ToDeviceMessage, WidgetEventFeed } from "./widget-event-feed.ts";
import type { DelayedEventAction, ToDeviceRecipient, WidgetMatrixClient } from "./widget-client.ts";

function raw(ev: MatrixEvent): IRoomEvent {
  // getEffectiveEvent() is the decrypted event in the shape of the wire format.
  return ev.getEffectiveEvent() as unknown as IRoomEvent;
}

/**
 * An encrypted event whose cleartext is not known yet. Timeline events arrive before the
 * crypto has even started on them, so "being decrypted" alone is not enough.
 */
export function awaitingCleartext(ev: MatrixEvent): boolean {
  return (
    ev.isBeingDecrypted() ||
    (ev.isEncrypted() && ev.getClearContent() === null && !ev.isDecryptionFailure())
  );
}

/** matrix-js-sdk's typed maps list known event types only; widgets send arbitrary ones. */
type AnyStateType = Parameters<MatrixClient["sendStateEvent"]>[1];
type AnyEventType = Parameters<MatrixClient["_unstable_sendDelayedEvent"]>[3];

export class MatrixClientAdapter implements WidgetMatrixClient, WidgetEventFeed {
  constructor(private readonly client: MatrixClient) {}

  get userId(): string {
    return this.client.getSafeUserId();
  }
  get deviceId(): string {
    return this.client.getDeviceId() ?? "";
  }
  get baseUrl(): string {
    return this.client.baseUrl;
  }

  sendStateEvent(roomId: string, type: string, content: Record<string, unknown>, stateKey: string) {
    return this.client.sendStateEvent(roomId, type as AnyStateType, content as never, stateKey);
  }

  sendEvent(roomId: string, type: string, content: Record<string, unknown>) {
    return this.client.sendEvent(roomId, type as AnyEventType, content as never);
  }

  redactEvent(roomId: string, eventId: string, reason?: string) {
    return this.client.redactEvent(roomId, eventId, undefined, reason ? { reason } : undefined);
  }

  sendDelayedStateEvent(
    roomId: string,
    delayMs: number,
    type: string,
    content: Record<string, unknown>,
    stateKey: string,
  ) {
    return this.client._unstable_sendDelayedStateEvent(
      roomId,
      { delay: delayMs },
      type as AnyStateType,
      content as never,
      stateKey,
    );
  }

  sendDelayedEvent(
    roomId: string,
    delayMs: number,
    type: string,
    content: Record<string, unknown>,
  ) {
    return this.client._unstable_sendDelayedEvent(
      roomId,
      { delay: delayMs },
      null,
      type as AnyEventType,
      content as never,
    );
  }

  async updateDelayedEvent(delayId: string, action: DelayedEventAction): Promise<void> {
    if (action === "cancel") await this.client._unstable_cancelScheduledDelayedEvent(delayId);
    else if (action === "restart")
      await this.client._unstable_restartScheduledDelayedEvent(delayId);
    else await this.client._unstable_sendScheduledDelayedEvent(delayId);
  }

  async sendEncryptedToDevice(
    type: string,
    recipients: ToDeviceRecipient[],
    payload: Record<string, unknown>,
  ): Promise<void> {
    const crypto = this.client.getCrypto();
    if (!crypto) throw new Error("This session has no end-to-end encryption");
    const batch = await crypto.encryptToDeviceMessages(type, recipients, payload);
    await this.client.queueToDevice(batch);
  }

  async sendToDevice(
    type: string,
    messages: (ToDeviceRecipient & { payload: Record<string, unknown> })[],
  ): Promise<void> {
    await this.client.queueToDevice({ eventType: type, batch: messages });
  }

  private liveState(roomId: string): RoomState | undefined {
    return this.client.getRoom(roomId)?.getLiveTimeline().getState(Direction.Forward);
  }

  roomState(roomId: string, type: string, stateKey: string | undefined): IRoomEvent[] {
    const state = this.liveState(roomId);
    if (!state) return [];
    if (stateKey === undefined) return state.getStateEvents(type).map(raw);
    const ev = state.getStateEvents(type, stateKey);
    return ev ? [raw(ev)] : [];
  }

  roomTimeline(roomId: string): IRoomEvent[] {
    const room = this.client.getRoom(roomId);
    return room ? room.getLiveTimeline().getEvents().map(raw) : [];
  }

  knownRoomIds(): string[] {
    return this.client
      .getRooms()
      .filter((r) => ["join", "invite"].includes(r.getMyMembership()))
      .map((r) => r.roomId);
  }

  async openIdToken() {
    return this.client.getOpenIdToken();
  }

  homeserverRtcTransports(): Promise<unknown> {
    return this.client.http.authedRequest(Method.Get, "/rtc/transports", undefined, undefined, {
      prefix: "/_matrix/client/unstable/org.matrix.msc4143",
    });
  }

  async clientWellKnown(): Promise<unknown> {
    const known = this.client.getClientWellKnown();
    if (known) return known;
    const domain = this.client.getDomain();
    const candidates = [this.client.baseUrl, ...(domain ? [`https://${domain}`] : [])];
    for (const base of candidates) {
      try {
        const res = await fetch(new URL("/.well-known/matrix/client", base));
        if (res.ok) return await res.json();
      } catch {
        // try the next place the document may be served from
      }
    }
    return null;
  }

  async downloadMedia(mxcUri: string): Promise<Blob> {
    const url = this.client.mxcUrlToHttp(
      mxcUri,
      undefined,
      undefined,
      undefined,
      false,
      true,
      true,
    );
    if (!url) throw new Error(`Not a downloadable media URI: ${mxcUri}`);
    const token = this.client.getAccessToken();
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!res.ok) throw new Error(`Media download failed with HTTP ${res.status}`);
    return res.blob();
  }

  // --- WidgetEventFeed ---

  onTimelineEvent(roomId: string, listener: (ev: IRoomEvent) => void): () => void {
    // Events still being decrypted are fed once their cleartext is known.
    const pending = new WeakSet<MatrixEvent>();
    const feed = (ev: MatrixEvent) => {
      if (awaitingCleartext(ev)) {
        pending.add(ev);
        return;
      }
      if (!ev.isDecryptionFailure()) listener(raw(ev));
    };
    const onTimeline = (
      ev: MatrixEvent,
      room: Room | undefined,
      toStartOfTimeline: boolean | undefined,
      _removed: boolean,
      data: IRoomTimelineData,
    ) => {
      if (room?.roomId !== roomId || toStartOfTimeline || !data.liveEvent) return;
      feed(ev);
    };
    const onDecrypted = (ev: MatrixEvent) => {
      if (ev.getRoomId() !== roomId || !pending.has(ev) || ev.isDecryptionFailure()) return;
      pending.delete(ev);
      listener(raw(ev));
    };
    this.client.on(RoomEvent.Timeline, onTimeline);
    this.client.on(MatrixEventEvent.Decrypted, onDecrypted);
    return () => {
      this.client.off(RoomEvent.Timeline, onTimeline);
      this.client.off(MatrixEventEvent.Decrypted, onDecrypted);
    };
  }

  onStateEvent(roomId: string, listener: (ev: IRoomEvent) => void): () => void {
    const onState = (ev: MatrixEvent) => {
      if (ev.getRoomId() === roomId) listener(raw(ev));
    };
    this.client.on(RoomStateEvent.Events, onState);
    return () => this.client.off(RoomStateEvent.Events, onState);
  }

  onToDevice(listener: (msg: ToDeviceMessage, encrypted: boolean) => void): () => void {
    const onMessage = ({ message, encryptionInfo }: ReceivedToDeviceMessage) => {
      listener(message as unknown as ToDeviceMessage, encryptionInfo !== null);
    };
    this.client.on(ClientEvent.ReceivedToDeviceMessage, onMessage);
    return () => this.client.off(ClientEvent.ReceivedToDeviceMessage, onMessage);
  }
}

/** Sends a MatrixRTC decline (MSC4310) for a ring notification, refusing the call. */
export function declineRing(client: MatrixClient, roomId: string, notificationEventId: string) {
  const content: IContent = {
    "m.relates_to": { rel_type: "m.reference", event_id: notificationEventId },
  };
  return client.sendEvent(roomId, EventType.RTCDecline, content as never);
}
