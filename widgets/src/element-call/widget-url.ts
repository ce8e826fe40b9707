/**
 * The URL of our embedded Element Call for one room, user and device. Query parameters
 * `widgetId` and `parentUrl` switch Element Call into widget mode (the parent's origin becomes
 * the only postMessage origin it talks to); everything else goes in the fragment so it never
 * reaches a server log. Pure.
 */

export const CALL_INTENTS = [
  "start_call",
  "join_existing",
  "start_call_voice",
  "join_existing_voice",
  "start_call_dm",
  "start_call_dm_voice",
  "join_existing_dm",
  "join_existing_dm_voice",
] as const;
export type CallIntent = (typeof CALL_INTENTS)[number];

export type CallMedia = "video" | "voice";

/** The intent for a user pressing a call button or Join. */
export function callIntent(o: { dm: boolean; media: CallMedia; existing: boolean }): CallIntent {
  const base = o.existing ? "join_existing" : "start_call";
  const dm = o.dm ? "_dm" : "";
  const voice = o.media === "voice" ? "_voice" : "";
  return `${base}${dm}${voice}` as CallIntent;
}

export interface ElementCallUrlParams {
  /** Absolute URL of Element Call's index.html as our web app serves it. */
  elementCallUrl: string;
  widgetId: string;
  /** The host page's URL; its origin is where Element Call posts its messages. */
  parentUrl: string;
  roomId: string;
  userId: string;
  deviceId: string;
  /** The user's homeserver client API base URL. */
  baseUrl: string;
  intent: CallIntent;
  theme?: "light" | "dark";
  lang?: string;
  displayName?: string;
  fontScale?: number;
  /**
   * Pressing our call or Join button means "put me in the call": no Element Call lobby by
   * default (camera and microphone can be turned off in the call).
   */
  skipLobby?: boolean;
  /** Our client draws its own room header, so Element Call's is hidden by default. */
  header?: "none" | "standard" | "app_bar";
  /**
   * Load Element Call without joining; it joins when the host sends `io.element.join`
   * (with `skipLobby`). Lets the host load it before the user presses a call button.
   */
  preload?: boolean;
}

export class WidgetUrlError extends Error {
  constructor(
    readonly code: "invalid_url" | "missing_param",
    message: string,
  ) {
    super(message);
    this.name = "WidgetUrlError";
  }
}

function absolute(value: string, field: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new WidgetUrlError("invalid_url", `${field} must be an absolute URL, got "${value}"`);
  }
}

export function buildElementCallUrl(p: ElementCallUrlParams): string {
  const url = absolute(p.elementCallUrl, "elementCallUrl");
  const parent = absolute(p.parentUrl, "parentUrl");
  absolute(p.baseUrl, "baseUrl");
  for (const field of ["widgetId", "roomId", "userId", "deviceId"] as const) {
    if (!p[field]) throw new WidgetUrlError("missing_param", `${field} is required`);
  }
  parent.hash = "";
  url.search = "";
  url.searchParams.set("widgetId", p.widgetId);
  url.searchParams.set("parentUrl", parent.toString());
  const fragment = new URLSearchParams({
    roomId: p.roomId,
    userId: p.userId,
    deviceId: p.deviceId,
    baseUrl: p.baseUrl,
    intent: p.intent,
    theme: p.theme ?? "light",
    lang: p.lang ?? "fr",
    header: p.header ?? "none",
    // Stay in this room: the host, not the widget, decides which room a call belongs to.
    confineToRoom: "true",
    skipLobby: String(p.skipLobby ?? true),
  });
  if (p.preload) fragment.set("preload", "true");
  if (p.displayName) fragment.set("displayName", p.displayName);
  if (p.fontScale !== undefined) fragment.set("fontScale", String(p.fontScale));
  url.hash = `?${fragment.toString()}`;
  return url.toString();
}
