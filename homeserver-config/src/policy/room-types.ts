/**
 * The Tchap room types and their defaults, in one place: the web client and the bots both
 * build `createRoom` requests from here, so a room is the same whoever creates it.
 * Pure data and functions: no I/O, no Matrix SDK, safe to bundle in the browser.
 */

export const ACCESS_RULES_EVENT = "im.vector.room.access_rules";
export const CALL_MEMBER_EVENT = "org.matrix.msc3401.call.member";

export type AccessRule = "restricted" | "unrestricted" | "direct";
export type RoomType = "forum" | "private" | "private_external" | "direct";

export interface RoomTypeDefaults {
  joinRule: "public" | "invite";
  accessRule: AccessRule;
  encrypted: boolean;
  historyVisibility: "shared" | "invited";
  /** Listed in the homeserver's public room directory. */
  published: boolean;
}

export const ROOM_TYPES: Record<RoomType, RoomTypeDefaults> = {
  forum: {
    joinRule: "public",
    accessRule: "restricted",
    encrypted: false,
    historyVisibility: "shared",
    published: true,
  },
  private: {
    joinRule: "invite",
    accessRule: "restricted",
    encrypted: true,
    historyVisibility: "invited",
    published: false,
  },
  private_external: {
    joinRule: "invite",
    accessRule: "unrestricted",
    encrypted: true,
    historyVisibility: "invited",
    published: false,
  },
  direct: {
    joinRule: "invite",
    accessRule: "direct",
    encrypted: true,
    historyVisibility: "invited",
    published: false,
  },
};

export const ADMIN_POWER = 100;
export const MODERATOR_POWER = 50;

/** Tchap's default power levels; every member may join a call (call.member at 0). */
export function defaultPowerLevels(creatorUserId: string): Record<string, unknown> {
  return {
    users: { [creatorUserId]: ADMIN_POWER },
    users_default: 0,
    events_default: 0,
    state_default: ADMIN_POWER,
    invite: MODERATOR_POWER,
    kick: MODERATOR_POWER,
    ban: MODERATOR_POWER,
    redact: MODERATOR_POWER,
    notifications: { room: MODERATOR_POWER },
    events: {
      "m.room.name": MODERATOR_POWER,
      "m.room.topic": MODERATOR_POWER,
      "m.room.avatar": MODERATOR_POWER,
      "m.room.pinned_events": MODERATOR_POWER,
      "m.room.encryption": ADMIN_POWER,
      "m.room.history_visibility": ADMIN_POWER,
      "m.room.power_levels": ADMIN_POWER,
      "m.room.tombstone": ADMIN_POWER,
      "m.room.server_acl": ADMIN_POWER,
      [ACCESS_RULES_EVENT]: ADMIN_POWER,
      [CALL_MEMBER_EVENT]: 0,
      "org.matrix.msc4143.rtc.member": 0,
      "m.reaction": 0,
      "m.room.redaction": 0,
    },
  };
}

export interface CreateRoomOptions {
  type: RoomType;
  creatorUserId: string;
  name?: string;
  topic?: string;
  aliasLocalpart?: string;
  invite?: string[];
  /** Extra initial state (e.g. a provisioning marker). */
  extraState?: { type: string; state_key: string; content: Record<string, unknown> }[];
}

/** The body of `POST /_matrix/client/v3/createRoom` for a Tchap room of the given type. */
export function createRoomRequest(o: CreateRoomOptions): Record<string, unknown> {
  const d = ROOM_TYPES[o.type];
  const initialState = [
    { type: ACCESS_RULES_EVENT, state_key: "", content: { rule: d.accessRule } },
    { type: "m.room.join_rules", state_key: "", content: { join_rule: d.joinRule } },
    {
      type: "m.room.history_visibility",
      state_key: "",
      content: { history_visibility: d.historyVisibility },
    },
    { type: "m.room.guest_access", state_key: "", content: { guest_access: "forbidden" } },
    ...(d.encrypted
      ? [
          {
            type: "m.room.encryption",
            state_key: "",
            content: { algorithm: "m.megolm.v1.aes-sha2" },
          },
        ]
      : []),
    ...(o.extraState ?? []),
  ];
  return {
    ...(o.type === "direct" ? { is_direct: true } : {}),
    ...(o.name !== undefined && o.type !== "direct" ? { name: o.name } : {}),
    ...(o.topic !== undefined && o.type !== "direct" ? { topic: o.topic } : {}),
    ...(o.aliasLocalpart ? { room_alias_name: o.aliasLocalpart } : {}),
    visibility: d.published ? "public" : "private",
    preset: d.joinRule === "public" ? "public_chat" : "private_chat",
    invite: o.invite ?? [],
    initial_state: initialState,
    power_level_content_override: defaultPowerLevels(o.creatorUserId),
  };
}
