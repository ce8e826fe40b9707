import { servicePort } from "../../homeserver-config/src/local/instance.ts";
import type { StackService } from "../../homeserver-config/src/stack/service.ts";
import type { RuntimeConfig } from "../src/core/runtime-config.ts";
import { createElementCallHandler } from "../../widgets/src/serve/element-call-files.ts";
import { ensureWebBuild } from "./build.ts";
import { serveWeb } from "./static-server.ts";

/**
 * The web client in the local stack (`services.web` in stack.json). Its config.json points at
 * the stack's directory and maps each `*.localhost` server name to the homeserver's client URL,
 * which serves `/.well-known/matrix/client` (nothing listens on https://<name> locally).
 */
export function webService(): StackService {
  return {
    name: "web",
    async start(ctx) {
      const { dir } = await ensureWebBuild(ctx.projectRoot, ctx.log);
      const directoryUrl = ctx.stack.services.directory?.url;
      if (!directoryUrl) throw new Error("web: the stack has no `directory` service to point at");
      // Local stack only: room widgets served from any loopback port (tests' widget pages).
      // The same list goes into config.json (what the client embeds) and the CSP (frame-src).
      const widgetOrigins = ["http://127.0.0.1:*"];
      const config: RuntimeConfig = {
        directoryUrl,
        widgetOrigins,
        wellKnownBaseUrls: Object.fromEntries(
          ctx.stack.homeservers.map((h) => [h.serverName, h.clientUrl]),
        ),
        defaultLanguage: "fr",
      };
      const homeserverUrls = ctx.stack.homeservers.map((h) => h.clientUrl);
      const rtcUrls = [ctx.stack.services.rtcAuth?.url, ctx.stack.services.sfu?.url].filter(
        (u): u is string => !!u,
      );
      const server = await serveWeb(
        dir,
        config,
        servicePort(ctx.instance, "web"),
        [directoryUrl, ...homeserverUrls],
        {
          handler: createElementCallHandler({
            rtcUrls: () => rtcUrls,
            homeserverUrls: () => homeserverUrls,
          }),
          frameSources: widgetOrigins,
        },
      );
      return { urls: { web: server.url }, stop: () => server.close() };
    },
  };
}
