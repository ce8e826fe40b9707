/** A room's current state as one homeserver sees it: what plan compares the spec with. */

export const MARKER_EVENT = "fr.tchap.provisioning";

/** Content of the marker state event that makes a room "managed by spec X, key K". */
export interface Marker {
  spec: string;
  key: string;
  /** Homeserver id of the owning agency. */
  owner: string;
}

export interface StateEvent {
  type: string;
  state_key: string;
  sender: string;
  content: Record<string, unknown>;
  origin_server_ts?: number;
}

export type Membership = "join" | "invite" | "leave" | "ban" | "knock";

export interface RoomView {
  roomId: string;
  /** Keyed by `type` + "\u0000" + `state_key`. */
  state: Map<string, StateEvent>;
}

export function roomView(roomId: string, events: StateEvent[]): RoomView {
  const state = new Map<string, StateEvent>();
  for (const e of events) {
    if (typeof e.state_key === "string") state.set(`${e.type}\u0000${e.state_key}`, e);
  }
  return { roomId, state };
}

export function stateContent(
  view: RoomView,
  type: string,
  stateKey = "",
): Record<string, unknown> | undefined {
  return view.state.get(`${type}\u0000${stateKey}`)?.content;
}

export function stateOfType(view: RoomView, type: string): StateEvent[] {
  return [...view.state.values()].filter((e) => e.type === type);
}

export function memberships(view: RoomView): Map<string, Membership> {
  const out = new Map<string, Membership>();
  for (const e of stateOfType(view, "m.room.member")) {
    out.set(e.state_key, (e.content.membership as Membership | undefined) ?? "leave");
  }
  return out;
}

export function markerOf(view: RoomView): Marker | undefined {
  return parseMarker(stateContent(view, MARKER_EVENT));
}

export function parseMarker(content: unknown): Marker | undefined {
  if (typeof content !== "object" || content === null) return undefined;
  const c = content as Record<string, unknown>;
  if (typeof c.spec === "string" && typeof c.key === "string" && typeof c.owner === "string") {
    return { spec: c.spec, key: c.key, owner: c.owner };
  }
  return undefined;
}

export function createdAt(view: RoomView): number {
  return view.state.get("m.room.create\u0000")?.origin_server_ts ?? 0;
}

/** The room's creator according to its create event (rooms v11 put it in `sender`). */
export function creatorOf(view: RoomView): string | undefined {
  const create = view.state.get("m.room.create\u0000");
  return create ? ((create.content.creator as string | undefined) ?? create.sender) : undefined;
}
