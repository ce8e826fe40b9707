/**
 * matrix-widget-api's host transport listens to every `message` event of the page and only
 * checks the widget id, which any frame can claim. This guard runs first (capture phase on
 * the same window) and drops widget-API messages for a widget unless they come from that
 * widget's iframe window and origin.
 */

export interface WidgetMessageSource {
  widgetId: string;
  origin: string;
  /** The widget iframe's window (compared by identity). */
  window: unknown;
}

interface MessageLike {
  data: unknown;
  origin: string;
  source: unknown;
}

/** The widget id a widget-API message is addressed from, or null if it is not one. */
export function widgetIdOf(data: unknown): string | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.api !== "fromWidget" && d.api !== "toWidget") return null;
  return typeof d.widgetId === "string" ? d.widgetId : null;
}

/**
 * `true` when the message must not reach the widget API: it names this widget but comes from
 * another window or origin.
 */
export function isForgedWidgetMessage(ev: MessageLike, expected: WidgetMessageSource): boolean {
  if (widgetIdOf(ev.data) !== expected.widgetId) return false;
  return ev.source !== expected.window || ev.origin !== expected.origin;
}

export interface MessageTarget {
  addEventListener(
    type: "message",
    listener: (ev: MessageEvent) => void,
    options: { capture: boolean },
  ): void;
  removeEventListener(
    type: "message",
    listener: (ev: MessageEvent) => void,
    options: { capture: boolean },
  ): void;
}

/**
 * Installs the guard; call before creating the ClientWidgetApi so it runs first.
 * Returns the function that removes it.
 */
export function installOriginGuard(
  target: MessageTarget,
  expected: () => WidgetMessageSource | null,
  onDropped?: (origin: string) => void,
): () => void {
  const listener = (ev: MessageEvent) => {
    const source = expected();
    if (!source || !isForgedWidgetMessage(ev, source)) return;
    ev.stopImmediatePropagation();
    onDropped?.(ev.origin);
  };
  target.addEventListener("message", listener, { capture: true });
  return () => target.removeEventListener("message", listener, { capture: true });
}
