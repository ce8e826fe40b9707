/**
 * A widget someone added to a room, hosted with no capability unless the user approves it
 * (prompt per capability, optionally remembered) and no device access. Framework-free.
 */
import type {
  ApprovalStore,
  CapabilityApprover,
  OpenIdApprover,
} from "../policy/capability-policy.ts";
import { WidgetOriginError, widgetOriginAllowed } from "../policy/widget-origins.ts";
import { roomWidgetDefinition, type RoomWidget, type WidgetUrlContext } from "./room-widgets.ts";
import type { WidgetMatrixClient } from "./widget-client.ts";
import type { WidgetEventFeed } from "./widget-event-feed.ts";
import { WidgetSession } from "./widget-session.ts";

export interface ThirdPartyWidgetHostOptions {
  widget: RoomWidget;
  urlContext: WidgetUrlContext;
  client: WidgetMatrixClient;
  feed: WidgetEventFeed;
  container: HTMLElement;
  /** Origins widgets may be embedded from (runtime config `widgetOrigins`). */
  allowedOrigins: readonly string[];
  approver?: CapabilityApprover;
  openIdApprover?: OpenIdApprover;
  store?: ApprovalStore;
  log?: (line: string) => void;
}

export class ThirdPartyWidgetHost {
  readonly session: WidgetSession;

  constructor(o: ThirdPartyWidgetHostOptions) {
    const widget = roomWidgetDefinition(o.widget, o.urlContext);
    // Checked on the filled-in URL: a template could put anything in the host part.
    if (!widgetOriginAllowed(widget.url, o.allowedOrigins)) {
      throw new WidgetOriginError(
        `The widget ${o.widget.name} is not served from an allowed origin (${widget.url.split("?")[0]})`,
      );
    }
    this.session = new WidgetSession({
      widget,
      roomId: o.urlContext.roomId,
      trust: { kind: "third-party" },
      client: o.client,
      feed: o.feed,
      container: o.container,
      approver: o.approver,
      openIdApprover: o.openIdApprover,
      store: o.store,
      log: o.log,
    });
  }

  /** Capabilities the widget holds now (after negotiation). */
  hasCapability(capability: string): boolean {
    return this.session.api.hasCapability(capability);
  }

  dispose(): void {
    this.session.dispose();
  }
}

/** Remembered approvals in the browser's localStorage. */
export function localStorageApprovals(storage: Storage): ApprovalStore {
  return {
    get(key) {
      try {
        const v: unknown = JSON.parse(storage.getItem(key) ?? "[]");
        return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
      } catch {
        return [];
      }
    },
    set(key, capabilities) {
      storage.setItem(key, JSON.stringify(capabilities));
    },
  };
}
