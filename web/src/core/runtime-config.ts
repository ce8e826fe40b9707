import { parseWidgetOrigins } from "../../../widgets/src/policy/widget-origins.ts";

/**
 * `config.json`, served next to index.html by whoever hosts the client. Locally the stack's
 * web service writes it (directory URL, and a map from `*.localhost` server names to their
 * client URL since nothing serves https on :443 there); in production `wellKnownBaseUrls`
 * is empty and `https://<server name>` is used.
 */
export interface RuntimeConfig {
  /** Base URL of the agency directory (identity-server-shaped `/info` lookup). */
  directoryUrl: string;
  /** Server name → base URL where `/.well-known/matrix/client` is served. */
  wellKnownBaseUrls: Record<string, string>;
  defaultLanguage?: "fr" | "en";
  /**
   * Origins third-party room widgets may be embedded from (`https://host[:port]`; `:*` for any
   * port, local stacks only). Widgets from elsewhere are listed as not allowed, never framed.
   */
  widgetOrigins: string[];
}

export function parseRuntimeConfig(raw: unknown): RuntimeConfig {
  const o = (raw ?? {}) as Partial<RuntimeConfig>;
  if (typeof o.directoryUrl !== "string" || !o.directoryUrl) {
    throw new Error("config.json: `directoryUrl` must be a non-empty string");
  }
  const map = o.wellKnownBaseUrls ?? {};
  if (typeof map !== "object" || Array.isArray(map)) {
    throw new Error("config.json: `wellKnownBaseUrls` must be an object of server name → URL");
  }
  return {
    directoryUrl: o.directoryUrl.replace(/\/+$/, ""),
    wellKnownBaseUrls: map,
    widgetOrigins: parseWidgetOrigins(o.widgetOrigins, "config.json: `widgetOrigins`"),
    ...(o.defaultLanguage ? { defaultLanguage: o.defaultLanguage } : {}),
  };
}

export async function loadRuntimeConfig(fetchFn: typeof fetch = fetch): Promise<RuntimeConfig> {
  const res = await fetchFn("./config.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return parseRuntimeConfig(await res.json());
}
