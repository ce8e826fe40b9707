/**
 * Vite plugin serving the embedded Element Call at `/widgets/element-call/` in dev and preview,
 * and copying it into the build output. Add to `plugins` in web/vite.config.ts:
 *   import { elementCallPlugin } from "../widgets/vite-plugin.ts";
 *   plugins: [react(), elementCallPlugin({ rtcUrls: () => [...] })]
 * Typed structurally so widgets/ needs no dependency on Vite.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { copyElementCall, createElementCallHandler } from "./src/serve/element-call-files.ts";

type Next = (err?: unknown) => void;
interface Middlewares {
  use(fn: (req: IncomingMessage, res: ServerResponse, next: Next) => void): void;
}
interface ServerLike {
  middlewares: Middlewares;
}
interface ResolvedConfigLike {
  root: string;
  build: { outDir: string };
}

export interface ElementCallPluginOptions {
  /** RTC authorization service and SFU URLs the call may connect to (for the CSP). */
  rtcUrls?: () => string[];
  /** Client API URLs of our users' homeservers (for the CSP). */
  homeserverUrls?: () => string[];
}

export function elementCallPlugin(o: ElementCallPluginOptions = {}) {
  const handler = createElementCallHandler({
    rtcUrls: o.rtcUrls ?? (() => []),
    homeserverUrls: o.homeserverUrls ?? (() => []),
  });
  const mount = (server: ServerLike) => {
    server.middlewares.use((req, res, next) => {
      handler(req, res).then(
        (handled) => {
          if (!handled) next();
        },
        (err: unknown) => next(err),
      );
    });
  };
  let outDir = "dist";
  return {
    name: "tchap-element-call",
    configResolved(config: ResolvedConfigLike) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    configureServer: mount,
    configurePreviewServer: mount,
    async closeBundle() {
      await copyElementCall(outDir);
    },
  };
}
