/**
 * HTTP + WebSocket front door: `/rtc` signalling (two-peer-connection protocol),
 * `/rtc/validate`, a failing `/rtc/v1` (so livekit-client falls back to `/rtc`),
 * and the Twirp RoomService. `startSfu` wires everything together.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { DisconnectReason } from "@livekit/protocol";
import { WebSocketServer } from "ws";
import { joinGrant, SfuAuthError, verifyAccessToken, type JoinGrant } from "./auth.ts";
import { resolveConfig, type SfuConfig, type SfuConfigInput } from "./config.ts";
import { RoomNotFoundError, RoomRegistry } from "./rooms.ts";
import type { Room } from "./room.ts";
import { Signalling } from "./signalling.ts";
import { createTwirpHandler, TWIRP_PREFIX } from "./twirp.ts";

export interface RunningSfu {
  /** ws:// URL to give livekit-client. */
  url: string;
  /** http:// URL for RoomServiceClient. */
  httpUrl: string;
  port: number;
  rooms: RoomRegistry;
  stop(): Promise<void>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
};

class JoinRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startSfu(input: SfuConfigInput): Promise<RunningSfu> {
  const config: SfuConfig = resolveConfig(input);
  const rooms = new RoomRegistry(
    config.autoCreate,
    (room, p) => void room.remove(p, DisconnectReason.STATE_MISMATCH),
    config.log,
  );
  const signalling = new Signalling(config);
  const twirp = createTwirpHandler(config, rooms);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

  /** Authenticates a join (`/rtc` or `/rtc/validate`) and finds its room. */
  const authorize = async (url: URL): Promise<{ grant: JoinGrant; room: Room }> => {
    try {
      const claims = await verifyAccessToken(
        url.searchParams.get("access_token"),
        config.apiKey,
        config.apiSecret,
      );
      const grant = joinGrant(claims, url.searchParams.get("room") ?? undefined);
      const room = rooms.forJoin(grant.room);
      if (room.full && !room.byIdentity(grant.identity)) throw new JoinRefused(403, "room is full");
      return { grant, room };
    } catch (e) {
      if (e instanceof SfuAuthError) throw new JoinRefused(e.status, e.message);
      if (e instanceof RoomNotFoundError) throw new JoinRefused(404, e.message);
      throw e;
    }
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sfu");
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS).end();
      return;
    }
    if (url.pathname.startsWith(TWIRP_PREFIX)) {
      await twirp(req, res, url.pathname.slice(TWIRP_PREFIX.length));
      return;
    }
    if (url.pathname === "/rtc/v1/validate") {
      // Single-peer-connection mode is not implemented: 404 makes the client use /rtc.
      res
        .writeHead(404, { ...CORS, "content-type": "text/plain" })
        .end("v1 rtc path not supported");
      return;
    }
    if (url.pathname === "/rtc/validate") {
      try {
        await authorize(url);
        res.writeHead(200, { ...CORS, "content-type": "text/plain" }).end("success");
      } catch (e) {
        const status = e instanceof JoinRefused ? e.status : 500;
        res
          .writeHead(status, { ...CORS, "content-type": "text/plain" })
          .end(e instanceof JoinRefused ? e.message : "internal error");
      }
      return;
    }
    if (url.pathname === "/" || url.pathname === "/healthz") {
      res.writeHead(200, { ...CORS, "content-type": "text/plain" }).end("OK");
      return;
    }
    res.writeHead(404, CORS).end();
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sfu");
    if (url.pathname !== "/rtc") {
      refuseUpgrade(socket, 404, "not found");
      return;
    }
    let auth: { grant: JoinGrant; room: Room };
    try {
      auth = await authorize(url);
    } catch (e) {
      refuseUpgrade(
        socket,
        e instanceof JoinRefused ? e.status : 500,
        e instanceof JoinRefused ? e.message : "internal error",
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const resumeSid =
        url.searchParams.get("reconnect") === "1"
          ? (url.searchParams.get("sid") ?? undefined)
          : undefined;
      signalling.accept(ws, {
        ...auth,
        autoSubscribe: url.searchParams.get("auto_subscribe") !== "0",
        resumeSid,
      });
    });
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on("upgrade", (req, socket, head) => {
    onUpgrade(req, socket, head).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  config.log?.(
    `SFU listening on ${host}:${port}, UDP ${config.udpPortMin}-${config.udpPortMax}, autoCreate=${config.autoCreate}`,
  );

  return {
    url: `ws://${host}:${port}`,
    httpUrl: `http://${host}:${port}`,
    port,
    rooms,
    async stop() {
      await rooms.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found" }[status] ?? "Error";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`,
  );
}
