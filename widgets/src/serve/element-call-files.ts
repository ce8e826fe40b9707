/**
 * Serving the `@element-hq/element-call-embedded` build (AGPL-3.0) under our web app at
 * `/widgets/element-call/`: a request handler for Node/Vite servers and a copy step for the
 * production build. Source maps are left out. Node only.
 */
import { createReadStream } from "node:fs";
import { cp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { elementCallCspDirectives, serializeCsp } from "../csp.ts";

export const ELEMENT_CALL_PATH = "/widgets/element-call/";

/**
 * Our settings over the package's config.json. Note (checked in the 0.26.1 bundle): Element
 * Call passes `wait_for_key_rotation_ms` to matrix-js-sdk as `makeKeyDelay`, which only the
 * legacy encryption manager read; the bundled RTCEncryptionManager ignores it. It delays a
 * rotated key by `useKeyDelay` (1 s, not settable from config.json) and hands a key younger
 * than 10 s to new joiners without rotating. Kept in case a later Element Call maps it again.
 */
export const TCHAP_ELEMENT_CALL_CONFIG: Record<string, unknown> = {
  matrix_rtc_session: { wait_for_key_rotation_ms: 2000 },
};

type Json = Record<string, unknown>;
function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
export function mergeConfig(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? mergeConfig(b, v) : v;
  }
  return out;
}

/** The config.json we serve: the package's, with our settings over it. */
export async function elementCallConfig(
  overrides: Json = TCHAP_ELEMENT_CALL_CONFIG,
  dist = elementCallDistDir(),
): Promise<string> {
  const base = JSON.parse(await readFile(path.join(dist, "config.json"), "utf8")) as Json;
  return JSON.stringify(mergeConfig(base, overrides));
}

export function elementCallDistDir(): string {
  const pkg = createRequire(import.meta.url).resolve(
    "@element-hq/element-call-embedded/package.json",
  );
  return path.join(path.dirname(pkg), "dist");
}

export async function elementCallVersion(): Promise<string> {
  const pkgPath = path.join(path.dirname(elementCallDistDir()), "package.json");
  return (JSON.parse(await readFile(pkgPath, "utf8")) as { version: string }).version;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".tflite": "application/octet-stream",
};

function isServed(rel: string): boolean {
  return !rel.endsWith(".map");
}

/** Copies Element Call (without source maps, with our config.json) under `outDir`. */
export async function copyElementCall(
  outDir: string,
  overrides: Json = TCHAP_ELEMENT_CALL_CONFIG,
): Promise<string> {
  const target = path.join(outDir, ELEMENT_CALL_PATH);
  await cp(elementCallDistDir(), target, {
    recursive: true,
    filter: (src) => isServed(src),
  });
  await writeFile(path.join(target, "config.json"), await elementCallConfig(overrides));
  return target;
}

export interface ElementCallHandlerOptions {
  /** RTC authorization service and SFU URLs Element Call may connect to (read per request). */
  rtcUrls: () => string[];
  /** Client API URLs of our users' homeservers (read per request). */
  homeserverUrls: () => string[];
  /** Where Element Call is mounted; default `/widgets/element-call/`. */
  pathPrefix?: string;
  /** Element Call's files; default the installed package's dist. */
  distDir?: string;
  /** Settings over the package's config.json; default TCHAP_ELEMENT_CALL_CONFIG. */
  config?: Json;
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * A handler answering requests under the prefix (resolves `true` when it answered). HTML gets
 * the Element Call CSP; hashed assets are cached for a year, index.html and config.json never.
 */
export function createElementCallHandler(o: ElementCallHandlerOptions): NodeHandler {
  const prefix = o.pathPrefix ?? ELEMENT_CALL_PATH;
  const dist = o.distDir ?? elementCallDistDir();
  let indexHtml: Promise<string> | undefined;
  let configJson: Promise<string> | undefined;
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://host");
    if (!url.pathname.startsWith(prefix)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || "index.html";
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.resolve(dist, rel);
    if (!file.startsWith(dist + path.sep) || !isServed(rel)) {
      res.writeHead(404).end();
      return true;
    }
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return true;
    }
    indexHtml ??= readFile(path.join(dist, "index.html"), "utf8");
    const csp = serializeCsp(
      elementCallCspDirectives({
        indexHtml: await indexHtml,
        rtcUrls: o.rtcUrls(),
        homeserverUrls: o.homeserverUrls(),
      }),
    );
    const ext = path.extname(file);
    const hashedAsset = rel.startsWith("assets/");
    const body =
      rel === "config.json"
        ? Buffer.from(await (configJson ??= elementCallConfig(o.config, dist)))
        : undefined;
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream",
      "content-length": body?.length ?? info.size,
      "cache-control": hashedAsset ? "public, max-age=31536000, immutable" : "no-cache",
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    if (req.method === "HEAD" || body) {
      res.end(req.method === "HEAD" ? undefined : body);
      return true;
    }
    await new Promise<void>((resolve, reject) => {
      createReadStream(file).on("error", reject).on("end", resolve).pipe(res);
    });
    return true;
  };
}

/** Relative paths of the files a build ships (for size budgets and checks). */
export async function elementCallFiles(dist = elementCallDistDir()): Promise<string[]> {
  const entries = await readdir(dist, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dist, path.join(e.parentPath, e.name)))
    .filter(isServed)
    .sort();
}
