import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Federation } from "../model.ts";
import { answerInfo, invitationRefusal } from "./directory-answer.ts";
import { parseEmailAddress } from "./email-address.ts";
import type { InvitationStore, OpenIdVerifier, RegisteredAddresses } from "./ports.ts";

export interface DirectoryDeps {
  federation: Federation;
  /** Homeserver id → the server name it has in this deployment. */
  serverNames: Map<string, string>;
  registered: RegisteredAddresses;
  invitations: InvitationStore;
  openId: OpenIdVerifier;
  /** Bearer token the homeservers' policy module presents to /internal/. */
  internalToken: string;
  log: (line: string) => void;
}

const INFO = "/_matrix/identity/api/v1/info";
const INVITATIONS = "/_tchap/directory/v1/invitations";
const INTERNAL_INVITATIONS = "/_tchap/directory/v1/internal/invitations/";
const MAX_BODY = 16 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    "content-type": "application/json",
    // The web client asks from its own origin; nothing here depends on cookies.
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type, authorization",
  });
  res.end(status === 204 ? undefined : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, "M_TOO_LARGE", "Request body too large.");
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Reported below.
  }
  throw new HttpError(400, "M_NOT_JSON", "The body must be a JSON object.");
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The agency directory's HTTP API (Tchap's identity-server shape plus invitations). */
export function directoryHandler(deps: DirectoryDeps) {
  const serverName = (id: string) => deps.serverNames.get(id) ?? id;
  const homeserverIdOf = (server: string) =>
    [...deps.serverNames].find(([, name]) => name === server)?.[0];

  async function info(url: URL) {
    const medium = url.searchParams.get("medium");
    const address = url.searchParams.get("address");
    if (medium !== "email") {
      throw new HttpError(400, "M_INVALID_PARAM", 'Only medium "email" is supported.', "medium");
    }
    if (address === null) {
      throw new HttpError(400, "M_MISSING_PARAM", "The address parameter is missing.", "empty");
    }
    const parsed = parseEmailAddress(address);
    const registered = parsed.ok ? await deps.registered.homeserverOf(parsed.address) : undefined;
    const answer = answerInfo(deps.federation, address, registered);
    if (!answer.ok) throw new HttpError(400, "M_INVALID_PARAM", answer.message, answer.problem);
    return { hs: serverName(answer.homeserverId) };
  }

  async function invite(req: IncomingMessage) {
    const body = await readJson(req);
    const openid = body.openid as { access_token?: unknown; matrix_server_name?: unknown } | null;
    if (typeof openid?.access_token !== "string" || typeof openid.matrix_server_name !== "string") {
      throw new HttpError(
        401,
        "M_UNAUTHORIZED",
        "Send an OpenID token of the inviter: openid.access_token and openid.matrix_server_name.",
      );
    }
    if (typeof body.address !== "string") {
      throw new HttpError(400, "M_MISSING_PARAM", "The address to invite is missing.", "empty");
    }
    const parsed = parseEmailAddress(body.address);
    if (!parsed.ok) throw new HttpError(400, "M_INVALID_PARAM", parsed.message, parsed.problem);
    let inviter: string;
    try {
      inviter = await deps.openId.userIdFor(openid.access_token, openid.matrix_server_name);
    } catch (e) {
      throw new HttpError(401, "M_UNAUTHORIZED", (e as Error).message);
    }
    const inviterHs = homeserverIdOf(openid.matrix_server_name);
    const refusal = invitationRefusal(deps.federation, parsed.address, inviterHs);
    if (refusal) throw new HttpError(403, "M_FORBIDDEN", refusal.message, refusal.code);
    const roomId = typeof body.room_id === "string" ? body.room_id : undefined;
    await deps.invitations.record({
      address: parsed.address,
      invitedBy: inviter,
      ...(roomId ? { roomId } : {}),
      invitedAt: new Date().toISOString(),
    });
    deps.log(`directory: invitation of an external address recorded (by ${inviter})`);
    const external = deps.federation.homeservers.find((h) => h.external);
    return { address: parsed.address, hs: serverName(external?.id ?? ""), invited_by: inviter };
  }

  async function internalInvitation(req: IncomingMessage, url: URL) {
    const auth = req.headers.authorization ?? "";
    if (!sameSecret(auth.replace(/^Bearer /, ""), deps.internalToken)) {
      throw new HttpError(401, "M_UNAUTHORIZED", "This endpoint is for the homeservers only.");
    }
    const raw = decodeURIComponent(url.pathname.slice(INTERNAL_INVITATIONS.length));
    const parsed = parseEmailAddress(raw);
    if (!parsed.ok) throw new HttpError(400, "M_INVALID_PARAM", parsed.message, parsed.problem);
    return { invited: await deps.invitations.isInvited(parsed.address) };
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://directory");
    try {
      if (req.method === "OPTIONS") return send(res, 204, {});
      if (req.method === "GET" && url.pathname === INFO) return send(res, 200, await info(url));
      if (req.method === "POST" && url.pathname === INVITATIONS) {
        return send(res, 200, await invite(req));
      }
      if (req.method === "GET" && url.pathname.startsWith(INTERNAL_INVITATIONS)) {
        return send(res, 200, await internalInvitation(req, url));
      }
      throw new HttpError(404, "M_UNRECOGNIZED", `No ${req.method} ${url.pathname} here.`);
    } catch (e) {
      if (e instanceof HttpError) {
        return send(res, e.status, {
          errcode: e.errcode,
          error: e.message,
          ...(e.reason ? { reason: e.reason } : {}),
        });
      }
      deps.log(`directory: ${req.method} ${url.pathname} failed: ${(e as Error).message}`);
      return send(res, 500, { errcode: "M_UNKNOWN", error: "The directory failed to answer." });
    }
  };
}
