/**
 * One widget running in one iframe: the iframe, the ClientWidgetApi, the origin guard and the
 * event feeds, all owned here and released by `dispose()`. Framework-free (needs a DOM).
 */
import { ClientWidgetApi, Widget, type IWidgetApiRequest } from "matrix-widget-api";
import {
  CapabilityPolicy,
  type ApprovalStore,
  type CapabilityApprover,
  type OpenIdApprover,
  type WidgetTrust,
} from "../policy/capability-policy.ts";
import { iframeAttributes } from "./iframe-attributes.ts";
import { installOriginGuard } from "./origin-guard.ts";
import type { WidgetMatrixClient } from "./widget-client.ts";
import { MatrixWidgetDriver } from "./widget-driver.ts";
import type { WidgetEventFeed } from "./widget-event-feed.ts";

export interface WidgetDefinition {
  id: string;
  name: string;
  /** e.g. "m.call" or "m.custom". */
  type: string;
  /** The final iframe URL (no template variables). */
  url: string;
  creatorUserId: string;
}

export interface WidgetSessionOptions {
  widget: WidgetDefinition;
  roomId: string;
  trust: WidgetTrust;
  client: WidgetMatrixClient;
  feed: WidgetEventFeed;
  /** Where the iframe goes. */
  container: HTMLElement;
  approver?: CapabilityApprover;
  openIdApprover?: OpenIdApprover;
  store?: ApprovalStore;
  /** Diagnostics without message contents (never tokens). */
  log?: (line: string) => void;
  /**
   * Step names as they happen (iframe created and loaded, each widget API message in and out,
   * with the event type for sends): for timing a call's setup. Names only, never contents.
   */
  trace?: (step: string) => void;
}

/** The request object of a widget action, with `reply` bound to the session's transport. */
export interface WidgetActionRequest {
  data: Record<string, unknown>;
  reply(response?: Record<string, unknown>): void;
}

export class WidgetSession {
  readonly iframe: HTMLIFrameElement;
  readonly api: ClientWidgetApi;
  readonly origin: string;
  private cleanups: (() => void)[] = [];
  private disposed = false;
  /** Resolves once capabilities are negotiated (the widget can take to-widget actions). */
  readonly ready: Promise<void>;

  constructor(private readonly o: WidgetSessionOptions) {
    const doc = o.container.ownerDocument;
    const win = doc.defaultView;
    if (!win) throw new Error("The widget container is not in a window");
    this.origin = new URL(o.widget.url).origin;

    const iframe = doc.createElement("iframe");
    const attrs = iframeAttributes(o.trust.kind);
    iframe.setAttribute("allow", attrs.allow);
    iframe.setAttribute("sandbox", attrs.sandbox);
    iframe.referrerPolicy = attrs.referrerPolicy;
    iframe.title = o.widget.name;
    iframe.dataset.widgetId = o.widget.id;
    iframe.src = o.widget.url;
    o.container.appendChild(iframe);
    this.iframe = iframe;
    const trace = o.trace;
    trace?.("iframe-created");
    if (trace) iframe.addEventListener("load", () => trace("iframe-loaded"), { once: true });

    // Must be in place before the ClientWidgetApi adds its own message listener.
    this.cleanups.push(
      installOriginGuard(
        win,
        () => ({ widgetId: o.widget.id, origin: this.origin, window: iframe.contentWindow }),
        (origin) => o.log?.(`dropped a widget message for ${o.widget.id} from ${origin}`),
      ),
    );

    const widget = new Widget({
      id: o.widget.id,
      creatorUserId: o.widget.creatorUserId,
      type: o.widget.type,
      url: o.widget.url,
      name: o.widget.name,
      waitForIframeLoad: false,
      data: {},
    });
    const policy = new CapabilityPolicy({
      widgetId: o.widget.id,
      widgetName: o.widget.name,
      widgetOrigin: this.origin,
      roomId: o.roomId,
      trust: o.trust,
      approver: o.approver,
      openIdApprover: o.openIdApprover,
      store: o.store,
    });
    const driver = new MatrixWidgetDriver(o.client, policy, o.roomId);
    this.api = new ClientWidgetApi(widget, iframe, driver);
    this.ready = new Promise((resolve) => this.api.once("ready", () => resolve()));
    silenceTransportLog(this.api, trace);
    this.api.setViewedRoomId(o.roomId);
    if (trace) {
      this.api.on("ready", () => trace("capabilities-ready"));
      this.api.transport.on("message", (ev: CustomEvent<IWidgetApiRequest>) =>
        trace(`from-widget:${stepName(ev.detail)}`),
      );
    }

    this.cleanups.push(
      o.feed.onTimelineEvent(o.roomId, (ev) => void this.api.feedEvent(ev).catch(this.warn)),
      o.feed.onStateEvent(o.roomId, (ev) => void this.api.feedStateUpdate(ev).catch(this.warn)),
      o.feed.onToDevice((msg, encrypted) => {
        trace?.(`to-device-in:${msg.type}`);
        void this.api.feedToDevice(msg, encrypted).catch(this.warn);
      }),
    );
  }

  private warn = (err: unknown) => {
    this.o.log?.(`widget ${this.o.widget.id}: ${err instanceof Error ? err.message : String(err)}`);
  };

  /** Handles a from-widget action ourselves (replying is up to the handler). */
  onAction(action: string, handler: (req: WidgetActionRequest) => void): () => void {
    const listener = (ev: CustomEvent<IWidgetApiRequest>) => {
      ev.preventDefault();
      handler({
        data: (ev.detail.data ?? {}) as Record<string, unknown>,
        reply: (response = {}) => this.api.transport.reply(ev.detail, response),
      });
    };
    this.api.on(`action:${action}`, listener);
    const off = () => void this.api.off(`action:${action}`, listener);
    this.cleanups.push(off);
    return off;
  }

  /** Sends a to-widget action (resolves with the widget's response). */
  send(action: string, data: Record<string, unknown> = {}): Promise<unknown> {
    return this.api.transport.send(action, data);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup();
    this.api.stop();
    this.api.removeAllListeners();
    // Navigating away first makes the browser release camera and microphone at once.
    this.iframe.src = "about:blank";
    this.iframe.remove();
  }
}

/** An API message's action, with the event type for sends (never contents). */
function stepName(msg: IWidgetApiRequest): string {
  const data = (msg.data ?? {}) as { type?: unknown; action?: unknown; delay?: unknown };
  const type = typeof data.type === "string" ? data.type : undefined;
  const delayed = data.delay !== undefined ? ":delayed" : "";
  const action = typeof data.action === "string" ? `:${data.action}` : "";
  return `${msg.action}${type ? `:${type}` : ""}${delayed}${msg.action.includes("delayed") ? action : ""}`;
}

/**
 * matrix-widget-api's transport console.logs every message it sends, including OpenID tokens
 * handed to the widget. Tokens never go to logs: send without logging (tracing the step).
 */
function silenceTransportLog(api: ClientWidgetApi, trace?: (step: string) => void): void {
  // The transport's sendInternal is private in the typings; we replace it on this instance.
  const transport = api.transport as unknown as {
    transportWindow: Window;
    targetOrigin: string;
    sendInternal: (message: unknown) => void;
  };
  transport.sendInternal = (message: unknown) => {
    if (trace) {
      const m = message as IWidgetApiRequest & { response?: unknown };
      trace(`${m.response === undefined ? "to-widget" : "reply"}:${stepName(m)}`);
    }
    transport.transportWindow.postMessage(message, transport.targetOrigin);
  };
}
