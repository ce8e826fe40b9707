/**
 * Our Element Call widget in one room: builds its URL, runs it in a `WidgetSession` with the
 * call capabilities, answers its call-control actions (join, hang up, close, device mute,
 * always-on-screen) and tells the UI what state the call is in. Framework-free; the UI holds
 * one instance per active call and calls `dispose()` when done.
 */
import { MatrixCapabilities } from "matrix-widget-api";
import { buildElementCallUrl, type CallIntent } from "../element-call/widget-url.ts";
import { Emitter } from "../util/emitter.ts";
import type { WidgetMatrixClient } from "./widget-client.ts";
import type { WidgetEventFeed } from "./widget-event-feed.ts";
import { WidgetSession } from "./widget-session.ts";

export const ElementCallActions = {
  Join: "io.element.join",
  Hangup: "im.vector.hangup",
  Close: "io.element.close",
  DeviceMute: "io.element.device_mute",
  AlwaysOnScreen: "set_always_on_screen",
} as const;

/** loading: Element Call starting (lobby or connecting); joined: in the call; ended: left. */
export type CallHostState = "loading" | "joined" | "ended";

export interface DeviceMuteState {
  audio_enabled?: boolean;
  video_enabled?: boolean;
}

export interface CallWidgetHostEvents extends Record<string, unknown[]> {
  state: [CallHostState];
  deviceMute: [DeviceMuteState];
  alwaysOnScreen: [boolean];
  /** The widget is gone (closed by Element Call, after hang-up, or disposed). */
  disposed: [];
}

export interface CallWidgetHostOptions {
  client: WidgetMatrixClient;
  feed: WidgetEventFeed;
  roomId: string;
  intent: CallIntent;
  /** Absolute URL of Element Call's index.html, e.g. `${origin}/widgets/element-call/index.html`. */
  elementCallUrl: string;
  /** The host page URL (window.location.href). */
  parentUrl: string;
  container: HTMLElement;
  theme?: "light" | "dark";
  lang?: string;
  displayName?: string;
  widgetId?: string;
  log?: (line: string) => void;
  /** Load without joining: `join()` puts the user in the call (see ElementCallUrlParams). */
  preload?: boolean;
  /** Setup steps as they happen (see WidgetSessionOptions.trace). */
  trace?: (step: string) => void;
  /** How long to wait for Element Call to close after it hung up, or to obey a hang-up. */
  closeTimeoutMs?: number;
}

function randomId(): string {
  return `tchap-call-${globalThis.crypto.randomUUID()}`;
}

export class CallWidgetHost {
  readonly session: WidgetSession;
  readonly roomId: string;
  readonly intent: CallIntent;
  private readonly events = new Emitter<CallWidgetHostEvents>();
  private _state: CallHostState = "loading";
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly closeTimeoutMs: number;

  constructor(o: CallWidgetHostOptions) {
    this.roomId = o.roomId;
    this.intent = o.intent;
    this.closeTimeoutMs = o.closeTimeoutMs ?? 5_000;
    const widgetId = o.widgetId ?? randomId();
    const url = buildElementCallUrl({
      elementCallUrl: o.elementCallUrl,
      widgetId,
      parentUrl: o.parentUrl,
      roomId: o.roomId,
      userId: o.client.userId,
      deviceId: o.client.deviceId,
      baseUrl: o.client.baseUrl,
      intent: o.intent,
      theme: o.theme,
      lang: o.lang,
      displayName: o.displayName,
      preload: o.preload,
    });
    this.session = new WidgetSession({
      widget: {
        id: widgetId,
        name: "Element Call",
        type: "m.call",
        url,
        creatorUserId: o.client.userId,
      },
      roomId: o.roomId,
      trust: {
        kind: "element-call",
        identity: { roomId: o.roomId, userId: o.client.userId, deviceId: o.client.deviceId },
      },
      client: o.client,
      feed: o.feed,
      container: o.container,
      log: o.log,
      trace: o.trace,
    });
    const s = this.session;
    s.onAction(ElementCallActions.Join, (req) => {
      req.reply();
      this.setState("joined");
    });
    s.onAction(ElementCallActions.Hangup, (req) => {
      req.reply();
      this.setState("ended");
      // Element Call normally closes itself next; make sure it goes away regardless.
      this.scheduleDispose();
    });
    s.onAction(ElementCallActions.Close, (req) => {
      req.reply();
      this.dispose();
    });
    s.onAction(ElementCallActions.DeviceMute, (req) => {
      req.reply();
      this.events.emit("deviceMute", req.data as DeviceMuteState);
    });
    s.onAction(ElementCallActions.AlwaysOnScreen, (req) => {
      const allowed = s.api.hasCapability(MatrixCapabilities.AlwaysOnScreen);
      req.reply(allowed ? { success: true } : { error: { message: "Missing capability" } });
      if (allowed) this.events.emit("alwaysOnScreen", req.data.value === true);
    });
  }

  get state(): CallHostState {
    return this._state;
  }

  get iframe(): HTMLIFrameElement {
    return this.session.iframe;
  }

  on<K extends keyof CallWidgetHostEvents>(
    event: K,
    listener: (...args: CallWidgetHostEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  private setState(state: CallHostState): void {
    if (this._state === state) return;
    this._state = state;
    this.events.emit("state", state);
  }

  private scheduleDispose(): void {
    clearTimeout(this.closeTimer);
    this.closeTimer = setTimeout(() => this.dispose(), this.closeTimeoutMs);
  }

  /** Joins the call of a preloaded Element Call (as soon as it can take the action). */
  async join(): Promise<void> {
    await this.session.ready;
    if (this.session.isDisposed) return;
    await this.session.send(ElementCallActions.Join, {});
  }

  /** Leaves the call from our own UI: Element Call hangs up, then closes. */
  async hangup(): Promise<void> {
    if (this.session.isDisposed) return;
    this.scheduleDispose();
    try {
      await this.session.send(ElementCallActions.Hangup);
    } catch {
      // Not ready or not answering: disposing below still ends our side.
    }
    this.setState("ended");
  }

  /** Asks Element Call to mute or unmute the user's devices. */
  async setDeviceMute(state: DeviceMuteState): Promise<void> {
    await this.session.send(ElementCallActions.DeviceMute, { ...state });
  }

  setTheme(name: "light" | "dark"): Promise<unknown> {
    return this.session.api.updateTheme({ name });
  }

  dispose(): void {
    clearTimeout(this.closeTimer);
    if (this.session.isDisposed) return;
    this.session.dispose();
    this.setState("ended");
    this.events.emit("disposed");
    this.events.clear();
  }
}
