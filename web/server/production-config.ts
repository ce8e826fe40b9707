/**
 * The web client's production settings, from the federation file's `production` section:
 * its `config.json` (directory, widget origins) and the Content-Security-Policy its host must
 * send with index.html (connections to the homeservers and directory, frames from our own
 * origin — Element Call — and the allowed widget origins only). Pure.
 */
import type { Federation } from "../../homeserver-config/src/model.ts";
import { parseWidgetOrigins } from "../../widgets/src/policy/widget-origins.ts";
import type { RuntimeConfig } from "../src/core/runtime-config.ts";
import { csp } from "./static-server.ts";

export class WebProductionConfigError extends Error {
  readonly code = "web_production_config";
  constructor(message: string) {
    super(message);
    this.name = "WebProductionConfigError";
  }
}

export interface ProductionWebConfig {
  config: RuntimeConfig;
  contentSecurityPolicy: string;
}

export function renderProductionWebConfig(federation: Federation): ProductionWebConfig {
  const prod = federation.production;
  if (!prod) throw new WebProductionConfigError('the federation file has no "production" section');
  if (!prod.directoryUrl) {
    throw new WebProductionConfigError(
      "production.directoryUrl is required: the web client looks e-mail addresses up there",
    );
  }
  const widgetOrigins = parseWidgetOrigins(prod.widgetOrigins, "production.widgetOrigins");
  const config: RuntimeConfig = {
    directoryUrl: prod.directoryUrl.replace(/\/+$/, ""),
    // Production: `https://<server name>/.well-known/matrix/client` is used for every server.
    wellKnownBaseUrls: {},
    defaultLanguage: "fr",
    widgetOrigins,
  };
  const connect = new Set<string>([new URL(prod.directoryUrl).origin]);
  for (const h of federation.homeservers) {
    connect.add(`https://${h.serverName}`);
    const publicUrl = prod.homeservers[h.id]?.publicBaseUrl;
    if (publicUrl) connect.add(new URL(publicUrl).origin);
  }
  return { config, contentSecurityPolicy: csp([...connect], widgetOrigins) };
}
