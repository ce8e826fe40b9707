import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import type { RuntimeConfig } from "../src/core/runtime-config.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** Content-Security-Policy: scripts only from here (+ wasm), connections to the homeservers. */
export function csp(connect: string[], frames: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    `connect-src 'self' ${connect.join(" ")}`,
    // Our Element Call is same-origin; listed third-party widget origins may be framed too.
    `frame-src 'self' ${frames.join(" ")}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the built client and its runtime config.json. Hashed assets are cached for a year. */
export async function serveWeb(
  dir: string,
  config: RuntimeConfig,
  port: number,
  connectSources: string[],
  /** Element Call (widgets/): answers its own paths with its own CSP; frame sources for widgets. */
  calls?: {
    handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;
    frameSources: string[];
  },
): Promise<WebServer> {
  const configJson = JSON.stringify(config);
  const policy = csp(connectSources, calls?.frameSources);
  const server = http.createServer((req, res) => {
    void (async () => {
      if (calls && (await calls.handler(req, res))) return;
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/config.json") {
        res.writeHead(200, { "Content-Type": TYPES[".json"]!, "Cache-Control": "no-store" });
        return res.end(configJson);
      }
      const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, "");
      let file = path.join(dir, rel);
      if (!file.startsWith(dir)) {
        res.writeHead(400);
        return res.end();
      }
      let s = await stat(file).catch(() => null);
      if (!s || s.isDirectory()) {
        // The app has one page: unknown paths get index.html.
        file = path.join(dir, "index.html");
        s = await stat(file).catch(() => null);
      }
      if (!s) {
        res.writeHead(404);
        return res.end("not built");
      }
      const ext = path.extname(file);
      res.writeHead(200, {
        "Content-Type": TYPES[ext] ?? "application/octet-stream",
        "Content-Length": s.size,
        "Cache-Control": rel.includes("assets")
          ? "public, max-age=31536000, immutable"
          : "no-cache",
        ...(ext === ".html"
          ? {
              "Content-Security-Policy": policy,
              "X-Content-Type-Options": "nosniff",
              "Referrer-Policy": "no-referrer",
            }
          : { "X-Content-Type-Options": "nosniff" }),
      });
      createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
