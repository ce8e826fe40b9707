/**
 * HTTP front of the authorization service, shaped like lk-jwt-service 0.5: `POST /sfu/get`,
 * `POST /get_token`, `GET /healthz`, CORS for browsers. Bodies are bounded in size and time;
 * every refusal is a JSON error; nothing logged carries a token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { authorize, type AuthorizeDeps } from "./authorize.ts";
import { AuthRefusal } from "./errors.ts";
import { parseJsonBody, parseSfuGetRequest, parseSlotRequest } from "./requests.ts";

export interface HttpLimits {
  /** Largest accepted request body; Element Call's requests are well under 2 KiB. */
  maxBodyBytes: number;
  /** Time a client has to send its whole body. */
  bodyTimeoutMs: number;
}

export const DEFAULT_LIMITS: HttpLimits = { maxBodyBytes: 16 * 1024, bodyTimeoutMs: 10_000 };

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, GET, OPTIONS",
  "access-control-allow-headers":
    "Accept, Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization",
  "access-control-max-age": "86400",
};

type Route = "sfu/get" | "get_token";

/** Request-supplied text (a server name, a user ID) must not forge extra log lines. */
export function oneLine(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    /[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function createAuthServer(
  deps: AuthorizeDeps,
  writeLog: (line: string) => void,
  limits: HttpLimits = DEFAULT_LIMITS,
): Server {
  const log = (line: string) => writeLog(oneLine(line));
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    if (res.headersSent) return;
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      ...CORS,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://auth").pathname;
    const route: Route | undefined =
      path === "/sfu/get" ? "sfu/get" : path === "/get_token" ? "get_token" : undefined;

    if (path === "/healthz") {
      if (req.method === "GET" || req.method === "HEAD") send(res, 200, { status: "ok" });
      else refuse(res, new AuthRefusal(405, "M_UNRECOGNIZED", "method_not_allowed", "Use GET"));
      return;
    }
    if (!route) {
      refuse(res, new AuthRefusal(404, "M_UNRECOGNIZED", "not_found", `No endpoint at ${path}`));
      return;
    }
    if (req.method === "OPTIONS") {
      send(res, 200);
      return;
    }
    if (req.method !== "POST") {
      refuse(res, new AuthRefusal(405, "M_UNRECOGNIZED", "method_not_allowed", "Use POST"));
      return;
    }
    const started = Date.now();
    try {
      const body = parseJsonBody(await readBody(req, limits));
      const parsed =
        route === "get_token"
          ? { kind: "slot" as const, request: parseSlotRequest(body) }
          : parseSfuGetRequest(body);
      const grant = await authorize(parsed, deps);
      send(res, 200, { url: grant.url, jwt: grant.jwt });
      log(
        `${route}: granted ${grant.userId} (${grant.access} access) LiveKit room ${grant.room} ` +
          `in ${Date.now() - started} ms (OpenID check ${grant.openIdMs} ms, SFU room ${grant.roomMs} ms)`,
      );
    } catch (e) {
      if (!(e instanceof AuthRefusal)) throw e;
      refuse(res, e, route);
    }
  };

  const refuse = (res: ServerResponse, e: AuthRefusal, route?: Route) => {
    send(res, e.status, e.toJSON());
    if (route) log(`${route}: refused ${e.status} ${e.reason}: ${e.message}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug, not a refusal: say so without echoing anything of the request.
      log(`internal error: ${e instanceof Error ? e.stack : String(e)}`);
      send(res, 500, { errcode: "M_UNKNOWN", error: "Internal error", reason: "internal" });
    });
  });
  // Slow or stuck clients: Node answers 408 itself past these.
  server.headersTimeout = limits.bodyTimeoutMs;
  server.requestTimeout = limits.bodyTimeoutMs * 3;
  return server;
}

/** Reads the whole body, refusing early when it is too large or too slow. */
function readBody(req: IncomingMessage, limits: HttpLimits): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > limits.maxBodyBytes) {
    req.resume();
    return Promise.reject(tooLarge(limits));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new AuthRefusal(
          408,
          "M_UNKNOWN",
          "body_timeout",
          `The request body did not arrive within ${limits.bodyTimeoutMs} ms`,
        ),
      );
    }, limits.bodyTimeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      // Keep draining so the answer can still be written on this connection.
      req.resume();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) {
        cleanup();
        reject(tooLarge(limits));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = () => {
      cleanup();
      reject(new AuthRefusal(400, "M_UNKNOWN", "bad_request", "The request body was cut off"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function tooLarge(limits: HttpLimits): AuthRefusal {
  return new AuthRefusal(
    413,
    "M_TOO_LARGE",
    "body_too_large",
    `The request body is larger than ${limits.maxBodyBytes} bytes`,
  );
}
