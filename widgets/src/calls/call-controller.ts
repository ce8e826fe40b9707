/**
 * The user's calls in the web client: at most one active call (its Element Call widget, its
 * state, where it is shown) and the rings of incoming DM calls. One instance per logged-in
 * session; framework-free. The UI gives it an element to put the call iframe in and renders
 * its stores.
 */
import {
  EventType,
  MatrixEventEvent,
  RoomEvent,
  type IRoomTimelineData,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from "matrix-js-sdk";
import {
  MatrixRTCSessionEvent,
  type MatrixRTCSession,
} from "matrix-js-sdk/lib/matrixrtc/MatrixRTCSession.js";
import { RTC_NOTIFICATION_EVENT } from "../element-call/capabilities.ts";
import { callIntent, type CallIntent, type CallMedia } from "../element-call/widget-url.ts";
import { CallWidgetHost, type CallHostState } from "../host/call-widget-host.ts";
import { awaitingCleartext, MatrixClientAdapter } from "../host/matrix-client-adapter.ts";
import { Store } from "../util/store.ts";
import { CallPrefetch } from "./call-prefetch.ts";
import { declines, ringFromNotification, type NotificationEventLike, type Ring } from "./ring.ts";

export interface ActiveCall {
  roomId: string;
  intent: CallIntent;
  state: CallHostState;
  host: CallWidgetHost;
}

export interface CallControllerOptions {
  client: MatrixClient;
  /** Absolute URL of Element Call's index.html as this web app serves it. */
  elementCallUrl: string;
  /** The host page URL (changes as the user navigates). */
  parentUrl: () => string;
  /** Whether a room is a DM (calls there ring the other person). */
  isDirect: (roomId: string) => boolean;
  lang: () => string;
  theme?: () => "light" | "dark";
  log?: (line: string) => void;
  /**
   * Each call's setup steps (widget API messages, to-device arrivals) during its first
   * `TRACE_WINDOW_MS`, and again after anyone joins or leaves it (keys are exchanged then), e.g.
   * as `performance.mark`s for the call-setup benchmark and devtools.
   */
  trace?: (step: string) => void;
}

const TRACE_WINDOW_MS = 30_000;

/** How long a ring may outlive its caller's call membership (state may trail the ring). */
const CALLER_GONE_GRACE_MS = 5_000;

export class CallController {
  readonly active = new Store<ActiveCall | null>(null);
  readonly rings = new Store<Ring[]>([]);
  /** Where the docked call goes: the room's placeholder, when that room is on screen. */
  readonly dockTarget = new Store<{ roomId: string; element: HTMLElement } | null>(null);
  private readonly adapter: MatrixClientAdapter;
  private readonly prefetch: CallPrefetch;
  private preloaded: {
    roomId: string;
    intent: CallIntent;
    host: CallWidgetHost;
    restartTrace: () => void;
  } | null = null;
  private container: HTMLElement | null = null;
  private readonly cleanups: (() => void)[] = [];
  private readonly ringTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly ringSeenAt = new Map<string, number>();
  private readonly pendingDecrypt = new WeakSet<MatrixEvent>();
  private readonly startedAt = Date.now();
  /** Calls that hung up and are closing (Element Call finishing its leave). */
  private readonly ending = new Set<CallWidgetHost>();

  constructor(private readonly o: CallControllerOptions) {
    this.adapter = new MatrixClientAdapter(o.client);
    this.prefetch = new CallPrefetch(this.adapter);
    this.watchRings();
  }

  get client(): MatrixClient {
    return this.o.client;
  }

  /** The element our call iframes live in (kept for the whole session so calls survive navigation). */
  attachContainer(element: HTMLElement | null): void {
    this.container = element;
  }

  /** A room view shows where its call docks; `null` when it goes away. */
  setDockTarget(roomId: string, element: HTMLElement | null): void {
    const current = this.dockTarget.get();
    if (element) this.dockTarget.set({ roomId, element });
    else if (current?.roomId === roomId) this.dockTarget.set(null);
  }

  /**
   * A room with call buttons is on screen: fetch what a call start needs from the homeserver
   * (OpenID token, RTC transports) now, so pressing a button does not wait for it.
   */
  warmUp(): void {
    this.prefetch.warm();
  }

  /**
   * Loads Element Call for the room's ongoing call without joining it, out of sight, so that
   * pressing Join or the video button only has to join (Element Call's `preload` mode). One
   * preloaded call at a time; never while a call is active.
   */
  preload(roomId: string, media: CallMedia = "video"): void {
    if (this.active.get() || !this.container) return;
    const room = this.o.client.getRoom(roomId);
    if (!room) return;
    const intent = this.intentFor(room, media);
    const current = this.preloaded;
    if (current?.roomId === roomId && current.intent === intent) return;
    this.cancelPreload();
    this.prefetch.warm();
    const trace = this.setupTrace();
    const host = this.createHost(room, intent, true, trace.step);
    this.preloaded = { roomId, intent, host, restartTrace: trace.restart };
    host.on("disposed", () => {
      if (this.preloaded?.host === host) this.preloaded = null;
    });
  }

  /** Drops the preloaded call (of this room only, when given). */
  cancelPreload(roomId?: string): void {
    const p = this.preloaded;
    if (!p || (roomId !== undefined && p.roomId !== roomId)) return;
    this.preloaded = null;
    p.host.dispose();
  }

  private intentFor(room: Room, media: CallMedia): CallIntent {
    const existing = this.o.client.matrixRTC.getRoomSession(room).memberships.length > 0;
    return callIntent({ dm: this.o.isDirect(room.roomId), media, existing });
  }

  private createHost(
    room: Room,
    intent: CallIntent,
    preload: boolean,
    trace: ((step: string) => void) | undefined,
  ): CallWidgetHost {
    if (!this.container) throw new Error("No call container attached");
    const me = this.o.client.getSafeUserId();
    const host = new CallWidgetHost({
      client: this.prefetch.callClient(),
      feed: this.adapter,
      roomId: room.roomId,
      intent,
      elementCallUrl: this.o.elementCallUrl,
      parentUrl: this.o.parentUrl(),
      container: this.container,
      lang: this.o.lang(),
      theme: this.o.theme?.(),
      displayName: room.getMember(me)?.name ?? this.o.client.getUser(me)?.displayName,
      log: this.o.log,
      trace,
      preload,
    });
    host.iframe.classList.add("call-iframe");
    return host;
  }

  /** Starts or joins the room's call with our Element Call. */
  start(roomId: string, media: CallMedia): CallWidgetHost {
    const room = this.o.client.getRoom(roomId);
    if (!room) throw new Error(`Unknown room ${roomId}`);
    if (!this.container) throw new Error("No call container attached");
    const intent = this.intentFor(room, media);
    const current = this.active.get();
    if (current?.roomId === roomId && current.state !== "ended") return current.host;
    current?.host.dispose();
    // A new call replaces any that is still closing: one Element Call (one camera) at a time.
    for (const old of this.ending) old.dispose();
    this.dismissRing(roomId);
    this.prefetch.warm();
    let host: CallWidgetHost;
    let restartTrace: () => void;
    const pre = this.preloaded;
    this.preloaded = null;
    if (pre && pre.roomId === roomId && pre.intent === intent && !pre.host.session.isDisposed) {
      pre.restartTrace();
      ({ host, restartTrace } = pre);
      void host.join().catch((e: unknown) => {
        this.o.log?.(`joining the preloaded call failed: ${String(e)}`);
        host.dispose();
      });
    } else {
      pre?.host.dispose();
      const trace = this.setupTrace();
      host = this.createHost(room, intent, false, trace.step);
      restartTrace = trace.restart;
    }
    const rtc = this.o.client.matrixRTC.getRoomSession(room);
    rtc.on(MatrixRTCSessionEvent.MembershipsChanged, restartTrace);
    const publish = () => {
      if (host.state === "ended") this.ending.add(host);
      if (this.active.get()?.host !== host) return;
      this.active.set(host.state === "ended" ? null : { roomId, intent, state: host.state, host });
    };
    host.on("state", publish);
    host.on("disposed", () => {
      rtc.off(MatrixRTCSessionEvent.MembershipsChanged, restartTrace);
      this.ending.delete(host);
      if (this.active.get()?.host === host) this.active.set(null);
    });
    this.active.set({ roomId, intent, state: host.state, host });
    return host;
  }

  /**
   * A trace for one call's setup window; `restart` when a preloaded call is joined or the call's
   * members change.
   */
  private setupTrace(): { step: ((step: string) => void) | undefined; restart: () => void } {
    const trace = this.o.trace;
    if (!trace) return { step: undefined, restart: () => undefined };
    let until = Date.now() + TRACE_WINDOW_MS;
    trace("start");
    return {
      step: (step) => {
        if (Date.now() <= until) trace(step);
      },
      restart: () => {
        until = Date.now() + TRACE_WINDOW_MS;
        trace("start");
      },
    };
  }

  /** Leaves the active call. */
  async hangup(): Promise<void> {
    const current = this.active.get();
    if (!current) return;
    await current.host.hangup();
  }

  acceptRing(ring: Ring): CallWidgetHost {
    this.dismissRing(ring.roomId);
    return this.start(ring.roomId, ring.intent === "audio" ? "voice" : "video");
  }

  /** Refuses a ring: tells the caller (MSC4310 decline) and stops ringing here. */
  async declineRing(ring: Ring): Promise<void> {
    this.dismissRing(ring.roomId);
    const content = {
      "m.relates_to": { rel_type: "m.reference", event_id: ring.notificationEventId },
    };
    await this.o.client.sendEvent(ring.roomId, EventType.RTCDecline, content as never);
  }

  private dismissRing(roomId: string): void {
    clearTimeout(this.ringTimers.get(roomId));
    this.ringTimers.delete(roomId);
    this.ringSeenAt.delete(roomId);
    const rings = this.rings.get();
    if (rings.some((r) => r.roomId === roomId))
      this.rings.set(rings.filter((r) => r.roomId !== roomId));
  }

  private addRing(ring: Ring): void {
    if (this.active.get()?.roomId === ring.roomId) return;
    this.dismissRing(ring.roomId);
    this.ringSeenAt.set(ring.roomId, Date.now());
    this.rings.set([...this.rings.get(), ring]);
    this.ringTimers.set(
      ring.roomId,
      setTimeout(() => this.dismissRing(ring.roomId), Math.max(0, ring.expiresAt - Date.now())),
    );
    // Membership changes recheck rings; this covers a caller who left within the grace period.
    const recheck = setTimeout(() => this.recheckRings(), CALLER_GONE_GRACE_MS + 500);
    this.cleanups.push(() => clearTimeout(recheck));
  }

  private watchRings(): void {
    const client = this.o.client;
    const me = client.getSafeUserId();
    const consider = (ev: MatrixEvent) => {
      if (awaitingCleartext(ev)) {
        this.pendingDecrypt.add(ev);
        return;
      }
      if (ev.isDecryptionFailure()) return;
      const raw = ev.getEffectiveEvent() as unknown as NotificationEventLike;
      if (raw.type === RTC_NOTIFICATION_EVENT) {
        // Notifications older than this session are history, not rings.
        if (raw.origin_server_ts < this.startedAt - 120_000) return;
        const ring = ringFromNotification(raw, me, this.o.isDirect(raw.room_id), Date.now());
        if (ring && !this.callerGone(ring)) this.addRing(ring);
        return;
      }
      for (const ring of this.rings.get()) {
        if (declines(raw, ring, me)) this.dismissRing(ring.roomId);
      }
    };
    const onTimeline = (
      ev: MatrixEvent,
      _room: Room | undefined,
      toStart: boolean | undefined,
      _removed: boolean,
      data: IRoomTimelineData,
    ) => {
      if (!toStart && data.liveEvent) consider(ev);
    };
    const onDecrypted = (ev: MatrixEvent) => {
      if (!this.pendingDecrypt.has(ev)) return;
      this.pendingDecrypt.delete(ev);
      if (!ev.isDecryptionFailure()) consider(ev);
    };
    const onMemberships = () => this.recheckRings();
    client.on(RoomEvent.Timeline, onTimeline);
    client.on(MatrixEventEvent.Decrypted, onDecrypted);
    const sessions = new Set<MatrixRTCSession>();
    const watchSession = (room: Room) => {
      const s = client.matrixRTC.getRoomSession(room);
      if (sessions.has(s)) return;
      s.on(MatrixRTCSessionEvent.MembershipsChanged, onMemberships);
      sessions.add(s);
    };
    const ringsOff = this.rings.subscribe(() => {
      for (const ring of this.rings.get()) {
        const room = client.getRoom(ring.roomId);
        if (room) watchSession(room);
      }
    });
    this.cleanups.push(
      () => client.off(RoomEvent.Timeline, onTimeline),
      () => client.off(MatrixEventEvent.Decrypted, onDecrypted),
      ringsOff,
      () => {
        for (const s of sessions) s.off(MatrixRTCSessionEvent.MembershipsChanged, onMemberships);
      },
    );
  }

  /** A ring stops when the caller's call ends or when I joined from any device. */
  private recheckRings(): void {
    const me = this.o.client.getSafeUserId();
    for (const ring of this.rings.get()) {
      const room = this.o.client.getRoom(ring.roomId);
      if (!room) continue;
      const members = this.o.client.matrixRTC.getRoomSession(room).memberships;
      if (members.some((m) => m.sender === me) || this.callerGone(ring))
        this.dismissRing(ring.roomId);
    }
  }

  private callerGone(ring: Ring): boolean {
    const room = this.o.client.getRoom(ring.roomId);
    if (!room) return true;
    const members = this.o.client.matrixRTC.getRoomSession(room).memberships;
    const age = Date.now() - (this.ringSeenAt.get(ring.roomId) ?? Date.now());
    return !members.some((m) => m.sender === ring.callerId) && age > CALLER_GONE_GRACE_MS;
  }

  dispose(): void {
    for (const c of this.cleanups.splice(0).reverse()) c();
    for (const t of this.ringTimers.values()) clearTimeout(t);
    this.ringTimers.clear();
    this.active.get()?.host.dispose();
    for (const old of this.ending) old.dispose();
    this.cancelPreload();
    this.active.set(null);
  }
}
