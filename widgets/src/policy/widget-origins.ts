/**
 * Which third-party widgets may be embedded at all: a closed list of origins from the web
 * client's runtime config (the same list goes into the page's CSP `frame-src`). A widget from
 * any other origin is listed as not allowed and never gets an iframe. Our own Element Call is
 * same-origin and not subject to the list. Pure.
 */

export class WidgetOriginError extends Error {
  readonly code = "invalid_widget_origin";
  constructor(message: string) {
    super(message);
    this.name = "WidgetOriginError";
  }
}

/**
 * Checks one allow-list entry: an origin `scheme://host[:port]` with nothing after it; a port
 * of `*` (any port) is accepted for local stacks, as CSP accepts it. `where` names the field
 * for the error message.
 */
export function parseWidgetOrigin(entry: unknown, where: string): string {
  if (typeof entry !== "string") throw new WidgetOriginError(`${where} must be a string`);
  const m = /^(https?):\/\/([^/:?#\s]+)(?::(\d{1,5}|\*))?$/.exec(entry);
  if (!m) {
    throw new WidgetOriginError(
      `${where} must be an origin like "https://widgets.example.gouv.fr" (scheme, host and ` +
        `optional port, no path), got "${entry}"`,
    );
  }
  const [, scheme, host, port] = m;
  if (port === "*") return `${scheme}://${host!.toLowerCase()}:*`;
  // URL normalises case and drops default ports, as browsers do for an iframe's origin.
  return new URL(`${scheme}://${host}${port ? `:${port}` : ""}`).origin;
}

export function parseWidgetOrigins(list: unknown, where: string): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new WidgetOriginError(`${where} must be a list of origins`);
  return list.map((entry, i) => parseWidgetOrigin(entry, `${where}[${i}]`));
}

/** Whether a widget at `url` may be embedded under the allow-list. */
export function widgetOriginAllowed(url: string, allowed: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return false;
  return allowed.some((entry) => {
    if (!entry.endsWith(":*")) return entry === u.origin;
    return `${u.protocol}//${u.hostname}` === entry.slice(0, -2);
  });
}
