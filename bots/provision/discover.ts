import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import { enc, type MatrixApi } from "../matrix/matrix-api.ts";
import {
  MARKER_EVENT,
  markerOf,
  parseMarker,
  roomView,
  type Marker,
  type RoomView,
  type StateEvent,
} from "./room-view.ts";

/** An invitation waiting for a provisioner; the inviting provisioner puts the marker in it. */
export interface PendingInvite {
  roomId: string;
  inviter: string;
  marker: Marker | undefined;
}

/** What one agency's provisioner sees on its own homeserver. */
export interface AgentView {
  homeserverId: string;
  /** Rooms the provisioner is joined to that carry a marker (of any spec). */
  managed: Map<string, RoomView>;
  invites: PendingInvite[];
  /** The provisioner's display name as its rooms show it; undefined when it is in none. */
  displayName?: string | null;
  requests: number;
}

interface InitialSyncRoom {
  room_id: string;
  membership: string;
  inviter?: string;
  state?: StateEvent[];
  invite?: { content?: Record<string, unknown> };
}

/**
 * Reads every room the provisioner is in, with full state, from its own homeserver: the
 * homeserver is the only record of which rooms exist (no local state file to lose).
 *
 * The appservice sender may not call /sync (Synapse refuses it), but it may call the older
 * /initialSync, which returns all rooms' state and the pending invites in one request. When a
 * homeserver no longer offers it, /joined_rooms plus one /state per room does the same job,
 * minus the invites (the provisioner then joins when the owner's run hands it the room).
 */
export async function discover(api: MatrixApi, homeserverId: string): Promise<AgentView> {
  try {
    const res = await api.call<{ rooms?: InitialSyncRoom[] }>(
      "GET",
      "/_matrix/client/v3/initialSync",
      { query: { limit: "0" }, timeoutMs: 120_000 },
    );
    const view: AgentView = { homeserverId, managed: new Map(), invites: [], requests: 1 };
    for (const r of res.rooms ?? []) {
      if (r.membership === "join" && r.state) {
        const room = roomView(r.room_id, r.state);
        view.displayName ??= ownDisplayName(room, api.userId);
        if (markerOf(room)) view.managed.set(r.room_id, room);
      } else if (r.membership === "invite") {
        view.invites.push({
          roomId: r.room_id,
          inviter: r.inviter ?? "",
          marker: parseMarker(r.invite?.content?.[MARKER_EVENT]),
        });
      }
    }
    return view;
  } catch (e) {
    if (!(e instanceof MatrixHttpError && [400, 404, 405].includes(e.status))) throw e;
  }
  return discoverRoomByRoom(api, homeserverId);
}

function ownDisplayName(room: RoomView, userId: string): string | null | undefined {
  const member = room.state.get(`m.room.member\u0000${userId}`);
  if (!member) return undefined;
  const name = member.content.displayname;
  return typeof name === "string" ? name : null;
}

async function discoverRoomByRoom(api: MatrixApi, homeserverId: string): Promise<AgentView> {
  const { joined_rooms } = await api.call<{ joined_rooms: string[] }>(
    "GET",
    "/_matrix/client/v3/joined_rooms",
  );
  const view: AgentView = { homeserverId, managed: new Map(), invites: [], requests: 1 };
  await forEachLimit(joined_rooms, 8, async (roomId) => {
    const room = await readRoom(api, roomId);
    view.requests++;
    view.displayName ??= ownDisplayName(room, api.userId);
    if (markerOf(room)) view.managed.set(roomId, room);
  });
  return view;
}

export async function readRoom(api: MatrixApi, roomId: string): Promise<RoomView> {
  const events = await api.call<StateEvent[]>(
    "GET",
    `/_matrix/client/v3/rooms/${enc(roomId)}/state`,
  );
  return roomView(roomId, events);
}

/** Runs `fn` over `items` with at most `limit` at a time; the first failure is rethrown. */
export async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
