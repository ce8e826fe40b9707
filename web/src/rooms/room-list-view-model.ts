import {
  ClientEvent,
  EventType,
  KnownMembership,
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

export function isDirectRoom(room: Room, directIds: Set<string>): boolean {
  if (directIds.has(room.roomId)) return true;
  const rule = room.currentState.getStateEvents(ACCESS_RULES_EVENT, "")?.getContent()?.rule;
  return rule === "direct";
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
    unread: isInvite ? 0 : room.getUnreadNotificationCount(NotificationCountType.Total),
    mentions: isInvite ? 0 : room.getUnreadNotificationCount(NotificationCountType.Highlight),
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
    this.recompute();
  }

  setFilter(filter: string): void {
    this.state.set({ filter, rooms: roomListView(this.all, filter) });
  }

  private recompute(): void {
    const directIds = directRoomIds(this.client);
    this.all = this.client
      .getRooms()
      .filter((r) =>
        [KnownMembership.Join, KnownMembership.Invite].includes(
          r.getMyMembership() as KnownMembership,
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
