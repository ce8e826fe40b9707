/**
 * Widgets people add to a room (state events `im.vector.modular.widgets` / `m.widget`), read
 * into definitions we can host as third-party widgets, with their URL templates filled in.
 * Pure.
 */
import { runTemplate, type IWidget } from "matrix-widget-api";
import type { WidgetDefinition } from "./widget-session.ts";

export const ROOM_WIDGET_EVENT_TYPES = ["im.vector.modular.widgets", "m.widget"];

interface StateEventLike {
  type: string;
  state_key?: string;
  sender: string;
  content: Record<string, unknown>;
}

export interface RoomWidget {
  id: string;
  name: string;
  type: string;
  /** The URL template as stored in the room. */
  templateUrl: string;
  creatorUserId: string;
  data: Record<string, unknown>;
}

/** Valid room widgets: http(s) URL, an id; removed widgets (empty content) are skipped. */
export function parseRoomWidgets(events: StateEventLike[]): RoomWidget[] {
  const out: RoomWidget[] = [];
  for (const ev of events) {
    if (!ROOM_WIDGET_EVENT_TYPES.includes(ev.type)) continue;
    const c = ev.content;
    const url = typeof c.url === "string" ? c.url : "";
    const id = typeof c.id === "string" && c.id ? c.id : (ev.state_key ?? "");
    if (!url || !id || !/^https?:\/\//i.test(url)) continue;
    out.push({
      id,
      name: typeof c.name === "string" && c.name ? c.name : id,
      type: typeof c.type === "string" ? c.type : "m.custom",
      templateUrl: url,
      creatorUserId: typeof c.creatorUserId === "string" ? c.creatorUserId : ev.sender,
      data:
        typeof c.data === "object" && c.data !== null ? (c.data as Record<string, unknown>) : {},
    });
  }
  return out;
}

export interface WidgetUrlContext {
  roomId: string;
  userId: string;
  displayName?: string;
  deviceId?: string;
  baseUrl?: string;
  theme?: string;
  lang?: string;
  parentUrl: string;
}

/**
 * The widget's iframe URL: its template filled in, plus `widgetId` and `parentUrl` (the
 * widget API's way of telling the widget who hosts it).
 */
export function roomWidgetDefinition(w: RoomWidget, ctx: WidgetUrlContext): WidgetDefinition {
  const iwidget: IWidget = {
    id: w.id,
    creatorUserId: w.creatorUserId,
    type: w.type,
    url: w.templateUrl,
    name: w.name,
    data: w.data,
  };
  const filled = runTemplate(w.templateUrl, iwidget, {
    widgetRoomId: ctx.roomId,
    currentUserId: ctx.userId,
    userDisplayName: ctx.displayName,
    deviceId: ctx.deviceId,
    baseUrl: ctx.baseUrl,
    clientTheme: ctx.theme,
    clientLanguage: ctx.lang,
    clientId: "fr.tchap.federation",
  });
  const url = new URL(filled);
  url.searchParams.set("widgetId", w.id);
  const parent = new URL(ctx.parentUrl);
  parent.hash = "";
  url.searchParams.set("parentUrl", parent.toString());
  return {
    id: w.id,
    name: w.name,
    type: w.type,
    url: url.toString(),
    creatorUserId: w.creatorUserId,
  };
}
