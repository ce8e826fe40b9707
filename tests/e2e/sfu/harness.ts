/**
 * Node side of the SFU browser tests and the join-time benchmark: bundles the
 * test page (real livekit-client) with esbuild, serves it on loopback, mints
 * tokens with livekit-server-sdk and opens pages in Debian Chromium.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { AccessToken, type VideoGrant } from "livekit-server-sdk";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium, type LaunchedChromium } from "../support/chromium.ts";
import type { SfuTestApi } from "./page/client.ts";

export const API_KEY = "devkey";
export const API_SECRET = "e2e-secret-0123456789abcdef0123456789";

export interface TokenOptions {
  ttl?: string | number;
  secret?: string;
  grant?: Partial<VideoGrant>;
}

export async function mintToken(
  identity: string,
  room: string,
  opts: TokenOptions = {},
): Promise<string> {
  const at = new AccessToken(API_KEY, opts.secret ?? API_SECRET, {
    identity,
    ttl: opts.ttl ?? "10m",
  });
  at.addGrant({
    room,
    roomJoin: true,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    ...opts.grant,
  });
  return at.toJwt();
}

export async function adminToken(grant: Partial<VideoGrant>): Promise<string> {
  const at = new AccessToken(API_KEY, API_SECRET, { ttl: "10m" });
  at.addGrant(grant);
  return at.toJwt();
}

const pageHtml = `<!doctype html><html><head><meta charset="utf-8"><title>sfu test</title></head>
<body><script type="module" src="/client.js"></script></body></html>`;

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the test page, its bundle and livekit-client's E2EE worker on 127.0.0.1. */
export async function startPageServer(): Promise<PageServer> {
  const entry = fileURLToPath(new URL("./page/client.ts", import.meta.url));
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    write: false,
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0]?.text ?? "";
  const workerCjs = createRequire(import.meta.url).resolve("livekit-client/e2ee-worker");
  const workerPath = join(dirname(workerCjs), "livekit-client.e2ee.worker.mjs");
  const worker = await readFile(workerPath, "utf8");
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/") res.writeHead(200, { "content-type": "text/html" }).end(pageHtml);
    else if (path === "/client.js")
      res.writeHead(200, { "content-type": "text/javascript" }).end(js);
    else if (path === "/e2ee-worker.mjs")
      res.writeHead(200, { "content-type": "text/javascript" }).end(worker);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A test page with `window.sfuTest` ready. */
export class TestPage {
  private constructor(readonly page: Page) {}

  static async open(context: BrowserContext, url: string): Promise<TestPage> {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => "sfuTest" in globalThis);
    return new TestPage(page);
  }

  /** Calls `window.sfuTest[name](...args)` in the page. */
  call<K extends keyof SfuTestApi>(
    name: K,
    ...args: Parameters<SfuTestApi[K]>
  ): Promise<Awaited<ReturnType<SfuTestApi[K]>>> {
    return this.page.evaluate(
      ([n, a]) => {
        const api = (
          globalThis as unknown as { sfuTest: Record<string, (...x: unknown[]) => unknown> }
        ).sfuTest;
        return api[n as string]!(...(a as unknown[]));
      },
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<SfuTestApi[K]>>>;
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export { launchChromium, type LaunchedChromium };
