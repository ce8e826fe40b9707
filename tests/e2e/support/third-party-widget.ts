/**
 * Serves the test widget (`widget-page/widget.ts`, bundled with esbuild) from its own loopback
 * origin, as a third party would.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface WidgetServer {
  origin: string;
  /** The widget URL template to put in room state (`$matrix_room_id` filled in by the host). */
  templateUrl(tag: string): string;
  close(): Promise<void>;
}

export async function startWidgetServer(): Promise<WidgetServer> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL("./widget-page/widget.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    write: false,
    logLevel: "silent",
  });
  const js = out.outputFiles[0]?.text ?? "";
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Sondage</title></head>
<body><p>Widget de test</p><script type="module" src="/widget.js"></script></body></html>`;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/widget.html") res.writeHead(200, { "content-type": "text/html" }).end(html);
    else if (path === "/widget.js")
      res.writeHead(200, { "content-type": "text/javascript" }).end(js);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    templateUrl: (tag) =>
      `${origin}/widget.html?room=$matrix_room_id&tag=${encodeURIComponent(tag)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
