/**
 * Node side of the call test harness: bundles `page.ts` with esbuild and serves it on loopback
 * together with the Rust crypto wasm and our Element Call (through widgets/' own handler, with
 * its CSP). The host page gets a strict CSP too, so the tests run under the policies we ship.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { StackDescription } from "../../../../homeserver-config/src/stack/stack-description.ts";
import { hostCallCspDirectives, mergeCsp, serializeCsp } from "../../../../widgets/src/csp.ts";
import { createElementCallHandler } from "../../../../widgets/src/serve/element-call-files.ts";

export interface HarnessServer {
  url: string;
  close(): Promise<void>;
}

/** The RTC URLs (authorization service, SFU) the stack runs, for the Element Call CSP. */
export function stackRtcUrls(stack: StackDescription): string[] {
  const urls = [stack.services.rtcAuth?.url, stack.services.sfu?.url].filter(
    (u): u is string => typeof u === "string",
  );
  if (urls.length < 2) {
    throw new Error(
      `the stack runs no RTC services (services: ${Object.keys(stack.services).join(", ")}): calls cannot work`,
    );
  }
  return urls;
}

let bundle: Promise<string> | undefined;
function bundlePage(): Promise<string> {
  bundle ??= build({
    entryPoints: [fileURLToPath(new URL("./page.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    write: false,
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
  }).then((r) => r.outputFiles[0]?.text ?? "");
  return bundle;
}

function cryptoWasmPath(): string {
  // The package exports no package.json; its Node entry sits at the package root.
  const entry = createRequire(import.meta.url).resolve("@matrix-org/matrix-sdk-crypto-wasm");
  return path.join(path.dirname(entry), "pkg", "matrix_sdk_crypto_wasm_bg.wasm");
}

export interface HarnessOptions {
  stack: StackDescription;
  /** Extra origins third-party widgets may be framed from. */
  widgetOrigins?: string[];
  /** Listen on this port (0: any). */
  port?: number;
}

export async function startHarnessServer(o: HarnessOptions): Promise<HarnessServer> {
  const rtcUrls = stackRtcUrls(o.stack);
  const js = await bundlePage();
  const wasm = await readFile(cryptoWasmPath());
  const homeserverUrls = o.stack.homeservers.map((h) => h.clientUrl);
  const elementCall = createElementCallHandler({
    rtcUrls: () => rtcUrls,
    homeserverUrls: () => homeserverUrls,
  });
  const hostCsp = serializeCsp(
    mergeCsp(
      {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "connect-src": ["'self'", ...o.stack.homeservers.map((h) => h.clientUrl)],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
      },
      hostCallCspDirectives({ thirdPartyWidgetOrigins: o.widgetOrigins }),
    ),
  );
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>call harness</title></head>
<body style="margin:0"><div id="call" style="width:960px;height:640px"></div>
<div id="widgets"></div><script type="module" src="/harness.js"></script></body></html>`;
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (await elementCall(req, res)) return;
      const p = new URL(req.url ?? "/", "http://x").pathname;
      if (p === "/") {
        res.writeHead(200, { "content-type": "text/html", "content-security-policy": hostCsp });
        res.end(html);
      } else if (p === "/harness.js") {
        res.writeHead(200, { "content-type": "text/javascript" }).end(js);
      } else if (p === "/pkg/matrix_sdk_crypto_wasm_bg.wasm") {
        res.writeHead(200, { "content-type": "application/wasm" }).end(wasm);
      } else {
        res.writeHead(404).end();
      }
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
