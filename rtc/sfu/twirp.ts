/**
 * The part of LiveKit's server API (`livekit.RoomService` over Twirp) that
 * `RoomServiceClient` uses: CreateRoom, ListRooms, DeleteRoom, ListParticipants,
 * GetParticipant, RemoveParticipant. JSON or protobuf bodies; Bearer JWT auth.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  DisconnectReason,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  RemoveParticipantResponse,
  RoomParticipantIdentity,
} from "@livekit/protocol";
import type { ClaimGrants } from "livekit-server-sdk";
import { requireAdminGrant, SfuAuthError, verifyAccessToken } from "./auth.ts";
import type { SfuConfig } from "./config.ts";
import type { RoomRegistry } from "./rooms.ts";

export const TWIRP_PREFIX = "/twirp/livekit.RoomService/";

/** A protobuf-es message class, narrowed to what this file calls. */
interface MessageType<T> {
  new (): T;
  fromJson(json: unknown, options?: { ignoreUnknownFields: boolean }): T;
  fromBinary(bytes: Uint8Array): T;
}
interface Encodable {
  toJson(): unknown;
  toBinary(): Uint8Array;
}

class TwirpError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

type Handler = (body: Uint8Array, json: boolean, claims: ClaimGrants) => Promise<Encodable>;

export function createTwirpHandler(config: SfuConfig, rooms: RoomRegistry) {
  const decode = <T>(type: MessageType<T>, body: Uint8Array, json: boolean): T => {
    if (body.length === 0) return new type();
    return json
      ? type.fromJson(JSON.parse(new TextDecoder().decode(body)), { ignoreUnknownFields: true })
      : type.fromBinary(body);
  };
  const roomOf = (name: string) => {
    const room = rooms.get(name);
    if (!room) throw new TwirpError("not_found", "requested room does not exist", 404);
    return room;
  };

  const handlers: Record<string, Handler> = {
    CreateRoom: async (body, json, claims) => {
      const req = decode(CreateRoomRequest, body, json);
      requireAdminGrant(claims, "roomCreate");
      if (!req.name) throw new TwirpError("invalid_argument", "name is required", 400);
      return rooms
        .create(req.name, {
          emptyTimeout: req.emptyTimeout,
          departureTimeout: req.departureTimeout,
          maxParticipants: req.maxParticipants,
          metadata: req.metadata,
        })
        .info();
    },
    ListRooms: async (body, json, claims) => {
      const req = decode(ListRoomsRequest, body, json);
      requireAdminGrant(claims, "roomList");
      return new ListRoomsResponse({ rooms: rooms.list(req.names).map((r) => r.info()) });
    },
    DeleteRoom: async (body, json, claims) => {
      const req = decode(DeleteRoomRequest, body, json);
      requireAdminGrant(claims, "roomCreate");
      if (!(await rooms.delete(req.room)))
        throw new TwirpError("not_found", "requested room does not exist", 404);
      return new DeleteRoomResponse();
    },
    ListParticipants: async (body, json, claims) => {
      const req = decode(ListParticipantsRequest, body, json);
      requireAdminGrant(claims, "roomAdmin", req.room);
      return new ListParticipantsResponse({ participants: roomOf(req.room).visibleInfos() });
    },
    GetParticipant: async (body, json, claims) => {
      const req = decode(RoomParticipantIdentity, body, json);
      requireAdminGrant(claims, "roomAdmin", req.room);
      const p = roomOf(req.room).byIdentity(req.identity);
      if (!p) throw new TwirpError("not_found", "participant does not exist", 404);
      return p.info();
    },
    RemoveParticipant: async (body, json, claims) => {
      const req = decode(RoomParticipantIdentity, body, json);
      requireAdminGrant(claims, "roomAdmin", req.room);
      const room = roomOf(req.room);
      const p = room.byIdentity(req.identity);
      if (!p) throw new TwirpError("not_found", "participant does not exist", 404);
      await room.remove(p, DisconnectReason.PARTICIPANT_REMOVED);
      return new RemoveParticipantResponse();
    },
  };

  return async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    const json = !(req.headers["content-type"] ?? "").includes("protobuf");
    try {
      const handler = handlers[method];
      if (req.method !== "POST") throw new TwirpError("bad_route", "use POST", 404);
      if (!handler) throw new TwirpError("bad_route", `no handler for ${method}`, 404);
      const auth = req.headers.authorization ?? "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
      const claims = await verifyAccessToken(token, config.apiKey, config.apiSecret);
      const body = await readBody(req);
      let reply: Encodable;
      try {
        reply = await handler(body, json, claims);
      } catch (e) {
        if (
          e instanceof SyntaxError ||
          (e instanceof Error &&
            e.name === "Error" &&
            /cannot decode|premature|invalid/i.test(e.message))
        ) {
          throw new TwirpError("malformed", "could not decode request body", 400);
        }
        throw e;
      }
      res.writeHead(200, { "content-type": json ? "application/json" : "application/protobuf" });
      res.end(json ? JSON.stringify(reply.toJson()) : reply.toBinary());
    } catch (e) {
      const err =
        e instanceof TwirpError
          ? e
          : e instanceof SfuAuthError
            ? new TwirpError(
                e.status === 401 ? "unauthenticated" : "permission_denied",
                e.message,
                e.status,
              )
            : new TwirpError("internal", "internal error", 500);
      if (err.code === "internal") config.log?.(`twirp ${method} failed: ${String(e)}`);
      res.writeHead(err.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: err.code, msg: err.message }));
    }
  };
}

const MAX_BODY = 1 << 20;

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new TwirpError("malformed", "request body too large", 413);
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
