import {
  ClientEvent,
  EventType,
  KnownMembership,
  MatrixEventEvent,
  NotificationCountType,
  RoomEvent,
  type MatrixClient,
  type Room,
} from "matrix-js-sdk";
import { ACCESS_RULES_EVENT } from "../../../homeserver-config/src/policy/room-types.ts";
import { splitAgency } from "../core/agency.ts";
import { coalesce, Disposer, Observable } from "../core/observable.ts";
import { roomListView, type RoomSummary } from "./room-list.ts";

/** Room ids of DMs from the `m.direct` account data. */
export function directRoomIds(client: MatrixClient): Set<string> {
  const content = (client.getAccountData(EventType.Direct)?.getContent() ?? {}) as Record<
    string,
    string[]
  >;
  return new Set(Object.values(content).flat());
}

/**
 * My membership, trusting my own latest member event in the live timeline over the room state:
 * when I am removed, Synapse's `state_after` (MSC4222, which matrix-js-sdk asks for) in the
 * `leave` section of /sync may not carry my member event, so the SDK's state still says "join"
 * while the timeline holds the kick (observed with Synapse 1.160 and matrix-js-sdk 43).
 */
export function myMembership(room: Room, me: string): string {
  const events = room.getLiveTimeline().getEvents();
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i]!;
    if (ev.getType() === EventType.RoomMember && ev.getStateKey() === me) {
      return String(ev.getContent().membership ?? room.getMyMembership());
    }
  }
  return room.getMyMembership();
}

export function isDirectRoom(room: Room, directIds: Set<string>): boolean {
  if (directIds.has(room.roomId)) return true;
  const rule = room.currentState.getStateEvents(ACCESS_RULES_EVENT, "")?.getContent()?.rule;
  return rule === "direct";
}

/**
 * Unread and mention counts of an encrypted room, counted here from what is decrypted after my
 * read receipt: the homeserver cannot read encrypted messages, and the SDK's running total
 * misses messages decrypted before they reach the timeline (observed: 1 shown for 2 unread).
 * Null when neither my receipt nor my own event is in the loaded timeline: the SDK's figures
 * stand then.
 */
export function countUnreadLocally(
  client: MatrixClient,
  room: Room,
): { unread: number; mentions: number } | null {
  const me = client.getSafeUserId();
  const readUpTo = room.getEventReadUpTo(me);
  const events = room.getLiveTimeline().getEvents();
  let unread = 0;
  let mentions = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i]!;
    if (ev.getId() === readUpTo || ev.getSender() === me) return { unread, mentions };
    if (ev.getType() !== EventType.RoomMessage || ev.isRedacted() || ev.isRelation("m.replace"))
      continue;
    // Recalculated: actions cached while the event was still encrypted know no mention.
    const actions = client.getPushActionsForEvent(ev, true);
    if (actions?.notify) unread++;
    if (actions?.tweaks?.highlight) mentions++;
  }
  return null;
}

function unreadCounts(client: MatrixClient, room: Room): { unread: number; mentions: number } {
  const local = room.hasEncryptionStateEvent() ? countUnreadLocally(client, room) : null;
  return (
    local ?? {
      unread: room.getUnreadNotificationCount(NotificationCountType.Total),
      mentions: room.getUnreadNotificationCount(NotificationCountType.Highlight),
    }
  );
}

export function summarise(client: MatrixClient, room: Room, directIds: Set<string>): RoomSummary {
  const me = client.getSafeUserId();
  const membership = room.getMyMembership();
  const isInvite = membership === KnownMembership.Invite;
  const inviteEvent = isInvite ? room.getMember(me)?.events.member : undefined;
  const isDirect =
    isDirectRoom(room, directIds) || (isInvite && !!inviteEvent?.getContent().is_direct);
  const inviterId = inviteEvent?.getSender() ?? null;
  const inviterName = inviterId ? (room.getMember(inviterId)?.name ?? inviterId) : null;
  const name = isDirect && isInvite && inviterName ? inviterName : room.name;
  const split = splitAgency(name);
  return {
    roomId: room.roomId,
    kind: isInvite ? "invite" : isDirect ? "dm" : "room",
    name: isDirect ? split.name : name,
    agency: isDirect ? split.agency : null,
    encrypted: room.hasEncryptionStateEvent(),
    lastActivity: room.getLastActiveTimestamp() > 0 ? room.getLastActiveTimestamp() : 0,
    ...(isInvite ? { unread: 0, mentions: 0 } : unreadCounts(client, room)),
    inviter: inviterName,
    isPublic: room.getJoinRule() === "public",
  };
}

export interface RoomListState {
  filter: string;
  rooms: RoomSummary[];
}

/** The rooms, DMs and invites of the account, kept current as sync runs. */
export class RoomListViewModel {
  readonly state = new Observable<RoomListState>({ filter: "", rooms: [] });
  private all: RoomSummary[] = [];
  private readonly disposer = new Disposer();

  constructor(private readonly client: MatrixClient) {
    const refresh = coalesce(() => this.recompute());
    const events = [
      ClientEvent.Room,
      ClientEvent.DeleteRoom,
      ClientEvent.AccountData,
      RoomEvent.Timeline,
      RoomEvent.Name,
      RoomEvent.MyMembership,
      RoomEvent.Receipt,
      RoomEvent.UnreadNotifications,
      RoomEvent.LocalEchoUpdated,
    ] as const;
    for (const e of events) {
      client.on(e as ClientEvent.Room, refresh);
      this.disposer.add(() => client.off(e as ClientEvent.Room, refresh));
    }
    // Encrypted messages count as unread (or as mentions) once they are decrypted.
    client.on(MatrixEventEvent.Decrypted, refresh);
    this.disposer.add(() => client.off(MatrixEventEvent.Decrypted, refresh));
    this.recompute();
  }

  setFilter(filter: string): void {
    this.state.set({ filter, rooms: roomListView(this.all, filter) });
  }

  private recompute(): void {
    const directIds = directRoomIds(this.client);
    const me = this.client.getSafeUserId();
    this.all = this.client
      .getRooms()
      .filter((r) =>
        [KnownMembership.Join, KnownMembership.Invite].includes(
          myMembership(r, me) as KnownMembership,
        ),
      )
      .map((r) => summarise(this.client, r, directIds));
    const { filter } = this.state.get();
    this.state.set({ filter, rooms: roomListView(this.all, filter) });
  }

  async accept(roomId: string): Promise<void> {
    const room = this.client.getRoom(roomId);
    const me = this.client.getSafeUserId();
    const invite = room?.getMember(me)?.events.member;
    await this.client.joinRoom(roomId);
    // A DM invite becomes a DM for us too (m.direct), as Element does.
    if (invite?.getContent().is_direct && invite.getSender()) {
      await addDirectRoom(this.client, invite.getSender()!, roomId);
    }
  }

  async decline(roomId: string): Promise<void> {
    await this.client.leave(roomId);
  }

  dispose(): void {
    this.disposer.dispose();
  }
}

export async function addDirectRoom(
  client: MatrixClient,
  userId: string,
  roomId: string,
): Promise<void> {
  const content = {
    ...((client.getAccountData(EventType.Direct)?.getContent() ?? {}) as Record<string, string[]>),
  };
  const rooms = new Set(content[userId] ?? []);
  if (rooms.has(roomId)) return;
  rooms.add(roomId);
  content[userId] = [...rooms];
  await client.setAccountData(EventType.Direct, content);
}
