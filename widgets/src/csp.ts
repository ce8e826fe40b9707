/**
 * Content-Security-Policy for the Element Call pages we serve and the directives the host page
 * needs to embed them. Element Call gets what it needs and nothing more: its own files, the
 * inline bootstrap scripts of its index.html (by hash), WebAssembly (E2EE, Rust crypto), its
 * LiveKit E2EE worker (started from a blob: URL), and network access only to the RTC
 * authorization services and SFUs it is told about. Pure (hashing uses node:crypto).
 */
import { createHash } from "node:crypto";

export type CspDirectives = Record<string, string[]>;

export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(" "))
    .join("; ");
}

/** `'sha256-…'` sources for every inline `<script>` of an HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    const body = m[1] ?? "";
    hashes.push(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
  return hashes;
}

export class CspConfigError extends Error {
  readonly code = "invalid_rtc_origin";
  constructor(message: string) {
    super(message);
    this.name = "CspConfigError";
  }
}

/**
 * The origins Element Call must reach: each RTC authorization service (HTTP) and each SFU,
 * both as HTTP (LiveKit's /rtc/validate) and as WebSocket (signalling).
 */
export function rtcConnectSources(urls: string[]): string[] {
  const out = new Set<string>();
  for (const raw of urls) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new CspConfigError(`RTC service URL "${raw}" is not an absolute URL`);
    }
    const secure = u.protocol === "https:" || u.protocol === "wss:";
    if (!["http:", "https:", "ws:", "wss:"].includes(u.protocol)) {
      throw new CspConfigError(`RTC service URL "${raw}" must be http(s) or ws(s)`);
    }
    out.add(`${secure ? "https" : "http"}://${u.host}`);
    out.add(`${secure ? "wss" : "ws"}://${u.host}`);
  }
  return [...out];
}

function httpOrigins(urls: string[]): string[] {
  return [
    ...new Set(
      urls.map((raw) => {
        let u: URL;
        try {
          u = new URL(raw);
        } catch {
          throw new CspConfigError(`Homeserver URL "${raw}" is not an absolute URL`);
        }
        if (u.protocol !== "http:" && u.protocol !== "https:") {
          throw new CspConfigError(`Homeserver URL "${raw}" must be http(s)`);
        }
        return u.origin;
      }),
    ),
  ];
}

export interface ElementCallCspOptions {
  /** Element Call's index.html, to allow exactly its inline scripts. */
  indexHtml: string;
  /** RTC authorization service and SFU URLs of every agency a call may involve. */
  rtcUrls: string[];
  /**
   * Client API URLs of the homeservers our users are on: Element Call's embedded
   * matrix-js-sdk reads `/_matrix/client/versions` from `baseUrl` itself (no token).
   */
  homeserverUrls: string[];
}

export function elementCallCspDirectives(o: ElementCallCspOptions): CspDirectives {
  return {
    "default-src": ["'none'"],
    "script-src": ["'self'", "'wasm-unsafe-eval'", ...inlineScriptHashes(o.indexHtml)],
    // LiveKit's E2EE worker is created from a blob: URL.
    "worker-src": ["'self'", "blob:"],
    "connect-src": ["'self'", ...httpOrigins(o.homeserverUrls), ...rtcConnectSources(o.rtcUrls)],
    // Element Call's components set inline styles (Compound, react-spring).
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:", "mediastream:"],
    "font-src": ["'self'", "data:"],
    "manifest-src": ["'self'"],
    "frame-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'none'"],
    // Only our own web app may embed the call.
    "frame-ancestors": ["'self'"],
  };
}

export interface HostCspOptions {
  /** Origins third-party room widgets may be loaded from (closed list). */
  thirdPartyWidgetOrigins?: string[];
}

/** Directives the host page's CSP must contain for calls and widgets (merge into yours). */
export function hostCallCspDirectives(o: HostCspOptions = {}): CspDirectives {
  return {
    "frame-src": ["'self'", ...(o.thirdPartyWidgetOrigins ?? [])],
  };
}

/** Merges directive sets (sources are unioned, order kept). */
export function mergeCsp(...sets: CspDirectives[]): CspDirectives {
  const out: CspDirectives = {};
  for (const set of sets) {
    for (const [name, values] of Object.entries(set)) {
      out[name] = [...new Set([...(out[name] ?? []), ...values])];
    }
  }
  return out;
}
