/**
 * The widget driver: every action a widget may ask of the host, carried out on the user's
 * Matrix session (`WidgetMatrixClient`) after matrix-widget-api has checked the widget's
 * capabilities. Which capabilities a widget holds is the policy's decision.
 */
import {
  OpenIDRequestState,
  WidgetDriver,
  type Capability,
  type IOpenIDUpdate,
  type IRoomEvent,
  type IRtcTransportsResult,
  type ISendDelayedEventDetails,
  type ISendEventDetails,
  type IWidgetApiErrorResponseDataDetails,
  type SimpleObservable,
} from "matrix-widget-api";
import type { CapabilityPolicy } from "../policy/capability-policy.ts";
import { discoverRtcTransports } from "./rtc-transports.ts";
import type { WidgetMatrixClient } from "./widget-client.ts";

export class WidgetDriverError extends Error {
  constructor(
    readonly code: "no_room" | "bad_redaction" | "download_failed",
    message: string,
  ) {
    super(message);
    this.name = "WidgetDriverError";
  }
}

type Content = Record<string, unknown>;

function asContent(content: unknown): Content {
  return typeof content === "object" && content !== null ? (content as Content) : {};
}

/** Groups identical per-device contents so each distinct payload is encrypted once. */
export function groupToDeviceContents(contentMap: {
  [userId: string]: { [deviceId: string]: object };
}): { payload: Content; recipients: { userId: string; deviceId: string }[] }[] {
  const groups = new Map<
    string,
    { payload: Content; recipients: { userId: string; deviceId: string }[] }
  >();
  for (const [userId, devices] of Object.entries(contentMap)) {
    for (const [deviceId, content] of Object.entries(devices)) {
      const key = JSON.stringify(content);
      let group = groups.get(key);
      if (!group) {
        group = { payload: asContent(content), recipients: [] };
        groups.set(key, group);
      }
      group.recipients.push({ userId, deviceId });
    }
  }
  return [...groups.values()];
}

/** Whether an error carries a Matrix API error the widget should see as such. */
interface MatrixApiErrorLike {
  asWidgetApiErrorData(): NonNullable<IWidgetApiErrorResponseDataDetails["matrix_api_error"]>;
}
function isMatrixApiError(err: unknown): err is MatrixApiErrorLike {
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as Partial<MatrixApiErrorLike>).asWidgetApiErrorData === "function"
  );
}

export class MatrixWidgetDriver extends WidgetDriver {
  constructor(
    private readonly client: WidgetMatrixClient,
    private readonly policy: CapabilityPolicy,
    /** The room the widget lives in (room widgets never act elsewhere by default). */
    private readonly roomId: string,
  ) {
    super();
  }

  override validateCapabilities(requested: Set<Capability>): Promise<Set<Capability>> {
    return this.policy.decide(requested);
  }

  private room(roomId?: string | null): string {
    const id = roomId || this.roomId;
    if (!id) throw new WidgetDriverError("no_room", "The widget is not attached to a room");
    return id;
  }

  override async sendEvent(
    eventType: string,
    content: unknown,
    stateKey: string | null = null,
    roomId: string | null = null,
  ): Promise<ISendEventDetails> {
    const room = this.room(roomId);
    const c = asContent(content);
    let res: { event_id: string };
    if (stateKey !== null) {
      res = await this.client.sendStateEvent(room, eventType, c, stateKey);
    } else if (eventType === "m.room.redaction") {
      if (typeof c.redacts !== "string") {
        throw new WidgetDriverError("bad_redaction", "A redaction needs content.redacts");
      }
      const reason = typeof c.reason === "string" ? c.reason : undefined;
      res = await this.client.redactEvent(room, c.redacts, reason);
    } else {
      res = await this.client.sendEvent(room, eventType, c);
    }
    return { roomId: room, eventId: res.event_id };
  }

  override async sendDelayedEvent(
    delay: number,
    eventType: string,
    content: unknown,
    stateKey: string | null = null,
    roomId: string | null = null,
  ): Promise<ISendDelayedEventDetails> {
    const room = this.room(roomId);
    const c = asContent(content);
    const res =
      stateKey !== null
        ? await this.client.sendDelayedStateEvent(room, delay, eventType, c, stateKey)
        : await this.client.sendDelayedEvent(room, delay, eventType, c);
    return { roomId: room, delayId: res.delay_id };
  }

  override cancelScheduledDelayedEvent(delayId: string): Promise<void> {
    return this.client.updateDelayedEvent(delayId, "cancel");
  }

  override restartScheduledDelayedEvent(delayId: string): Promise<void> {
    return this.client.updateDelayedEvent(delayId, "restart");
  }

  override sendScheduledDelayedEvent(delayId: string): Promise<void> {
    return this.client.updateDelayedEvent(delayId, "send");
  }

  override async sendToDevice(
    eventType: string,
    encrypted: boolean,
    contentMap: { [userId: string]: { [deviceId: string]: object } },
  ): Promise<void> {
    if (encrypted) {
      await Promise.all(
        groupToDeviceContents(contentMap).map(({ payload, recipients }) =>
          this.client.sendEncryptedToDevice(eventType, recipients, payload),
        ),
      );
      return;
    }
    const messages = Object.entries(contentMap).flatMap(([userId, devices]) =>
      Object.entries(devices).map(([deviceId, payload]) => ({
        userId,
        deviceId,
        payload: asContent(payload),
      })),
    );
    await this.client.sendToDevice(eventType, messages);
  }

  override async readRoomState(
    roomId: string,
    eventType: string,
    stateKey: string | undefined,
  ): Promise<IRoomEvent[]> {
    return this.client.roomState(roomId, eventType, stateKey);
  }

  override async readRoomTimeline(
    roomId: string,
    eventType: string,
    msgtype: string | undefined,
    stateKey: string | undefined,
    limit: number,
    since: string | undefined,
  ): Promise<IRoomEvent[]> {
    const max = limit > 0 ? limit : Number.MAX_SAFE_INTEGER;
    const out: IRoomEvent[] = [];
    // Newest first, stopping at `since` (the last event the widget already has).
    for (const ev of [...this.client.roomTimeline(roomId)].reverse()) {
      if (out.length >= max) break;
      if (since !== undefined && ev.event_id === since) break;
      if (ev.type !== eventType) continue;
      if (msgtype !== undefined && ev.content.msgtype !== msgtype) continue;
      if (stateKey !== undefined && ev.state_key !== stateKey) continue;
      out.push(ev);
    }
    return out;
  }

  override askOpenID(observer: SimpleObservable<IOpenIDUpdate>): void {
    void (async () => {
      const allowed = await this.policy.allowOpenId(() =>
        observer.update({ state: OpenIDRequestState.PendingUserConfirmation }),
      );
      if (!allowed) {
        observer.update({ state: OpenIDRequestState.Blocked });
        return;
      }
      try {
        observer.update({
          state: OpenIDRequestState.Allowed,
          token: await this.client.openIdToken(),
        });
      } catch {
        observer.update({ state: OpenIDRequestState.Blocked });
      }
    })();
  }

  override async getRtcTransports(): Promise<IRtcTransportsResult> {
    const { transports } = await discoverRtcTransports({
      fromHomeserver: () => this.client.homeserverRtcTransports(),
      wellKnown: () => this.client.clientWellKnown(),
    });
    return { rtc_transports: transports };
  }

  override async downloadFile(contentUri: string): Promise<{ file: XMLHttpRequestBodyInit }> {
    return { file: await this.client.downloadMedia(contentUri) };
  }

  override getKnownRooms(): string[] {
    return this.client.knownRoomIds();
  }

  override processError(error: unknown): IWidgetApiErrorResponseDataDetails | undefined {
    return isMatrixApiError(error) ? { matrix_api_error: error.asWidgetApiErrorData() } : undefined;
  }
}
