import {
  ACCESS_RULES_EVENT,
  CALL_MEMBER_EVENT,
  createRoomRequest,
  MODERATOR_POWER,
} from "../../homeserver-config/src/policy/room-types.ts";
import { PROVISIONER_LOCALPART } from "../../homeserver-config/src/render/appservice.ts";
import type { DesiredRoom, SpecEnvironment } from "../spec/model.ts";
import { ROLE_POWER } from "../spec/model.ts";
import { serverNameOf } from "../spec/resolve-user.ts";
import { MARKER_EVENT, type Marker } from "./room-view.ts";

const RTC_MEMBER_EVENT = "org.matrix.msc4143.rtc.member";
export const SPACE_PARENT_EVENT = "m.space.parent";

export function provisionerOf(env: SpecEnvironment, homeserverId: string): string {
  return `@${PROVISIONER_LOCALPART}:${serverNameOf(env, homeserverId)}`;
}

/** "Provisionnement [Ministère A]": what people see as the sender of their invitations. */
export function provisionerDisplayName(env: SpecEnvironment, homeserverId: string): string {
  const hs = env.federation.homeservers.find((h) => h.id === homeserverId);
  return `Provisionnement [${hs?.displayName ?? homeserverId}]`;
}

export function isProvisioner(env: SpecEnvironment, userId: string): boolean {
  return Object.values(env.serverNames).some((s) => userId === `@${PROVISIONER_LOCALPART}:${s}`);
}

export function markerFor(specId: string, room: DesiredRoom): Marker {
  return { spec: specId, key: room.key, owner: room.owner };
}

/**
 * Agency homeservers other than the owner's that have members in the room: their provisioners
 * join and bring in their own users. The external users' server has none: in a room open to
 * externals nobody external may hold power (Tchap's access rules), so it could not invite;
 * the owner invites external users itself.
 */
export function helperHomeservers(room: DesiredRoom): string[] {
  const hs = room.members.filter((m) => !m.external).map((m) => m.homeserverId);
  return [...new Set(hs)].filter((h) => h !== room.owner);
}

/** Whose provisioner invites a member: their own agency's, or the owner's for externals. */
export function inviterOf(room: DesiredRoom, member: { homeserverId: string; external: boolean }) {
  return member.external ? room.owner : member.homeserverId;
}

export function canonicalAlias(env: SpecEnvironment, room: DesiredRoom): string | undefined {
  return room.alias ? `#${room.alias}:${serverNameOf(env, room.owner)}` : undefined;
}

/** Tchap's default power levels, plus the spec's roles and the helper provisioners. */
export function desiredPowerLevels(
  env: SpecEnvironment,
  room: DesiredRoom,
): Record<string, unknown> {
  const base = createRoomRequest({ type: room.type, creatorUserId: provisionerOf(env, room.owner) })
    .power_level_content_override as Record<string, unknown>;
  const users = { ...(base.users as Record<string, number>) };
  // Other agencies' provisioners invite and remove their own users: moderator is enough.
  for (const hs of helperHomeservers(room)) users[provisionerOf(env, hs)] = MODERATOR_POWER;
  for (const m of room.members) if (ROLE_POWER[m.role] > 0) users[m.userId] = ROLE_POWER[m.role];
  const events = { ...(base.events as Record<string, number>) };
  if (!room.callReady) {
    events[CALL_MEMBER_EVENT] = MODERATOR_POWER;
    events[RTC_MEMBER_EVENT] = MODERATOR_POWER;
  }
  return { ...base, users: sortKeys(users), events };
}

export interface DesiredStateEvent {
  type: string;
  stateKey: string;
  content: Record<string, unknown>;
  /** For people: which setting this is. */
  field: string;
}

/**
 * The state a managed room must have, derived from the shared room-type defaults (the same
 * `createRoom` body the web client sends), so drift is judged against one definition.
 */
export function desiredState(env: SpecEnvironment, room: DesiredRoom): DesiredStateEvent[] {
  const body = createRoomRequest({
    type: room.type,
    creatorUserId: provisionerOf(env, room.owner),
  });
  const initial = body.initial_state as {
    type: string;
    state_key: string;
    content: Record<string, unknown>;
  }[];
  const fieldNames: Record<string, string> = {
    [ACCESS_RULES_EVENT]: "access rule",
    "m.room.join_rules": "join rule",
    "m.room.history_visibility": "history visibility",
    "m.room.guest_access": "guest access",
    "m.room.encryption": "encryption",
  };
  const out: DesiredStateEvent[] = [
    { type: "m.room.name", stateKey: "", content: { name: room.name }, field: "name" },
  ];
  if (room.topic !== undefined) {
    out.push({
      type: "m.room.topic",
      stateKey: "",
      content: { topic: room.topic },
      field: "topic",
    });
  }
  for (const e of initial) {
    out.push({
      type: e.type,
      stateKey: e.state_key,
      content: e.content,
      field: fieldNames[e.type] ?? e.type,
    });
  }
  out.push({
    type: "m.room.power_levels",
    stateKey: "",
    content: desiredPowerLevels(env, room),
    field: "power levels",
  });
  return out;
}

/**
 * The `m.space.parent` links of a room: one per space of the spec that lists it and exists
 * already (state key: the space's room id). The first space listed is the canonical parent.
 */
export function desiredParents(
  env: SpecEnvironment,
  spaces: DesiredRoom[],
  room: DesiredRoom,
  roomIds: Map<string, string>,
): DesiredStateEvent[] {
  const parents = spaces.filter((s) => s.kind === "space" && s.children.includes(room.key));
  return parents.flatMap((space, i) => {
    const spaceId = roomIds.get(space.key);
    if (!spaceId) return [];
    const via = [serverNameOf(env, space.owner)];
    return [
      {
        type: SPACE_PARENT_EVENT,
        stateKey: spaceId,
        content: { via, canonical: i === 0 },
        field: `space "${space.key}"`,
      },
    ];
  });
}

/** The full `createRoom` body for a room that does not exist yet. */
export function createBody(
  env: SpecEnvironment,
  specId: string,
  room: DesiredRoom,
  invite: string[],
  extraState: { type: string; state_key: string; content: Record<string, unknown> }[] = [],
): Record<string, unknown> {
  const body = createRoomRequest({
    type: room.type,
    creatorUserId: provisionerOf(env, room.owner),
    name: room.name,
    ...(room.topic !== undefined ? { topic: room.topic } : {}),
    ...(room.alias ? { aliasLocalpart: room.alias } : {}),
    invite,
    extraState: [
      { type: MARKER_EVENT, state_key: "", content: { ...markerFor(specId, room) } },
      ...extraState,
    ],
  });
  return {
    ...body,
    power_level_content_override: desiredPowerLevels(env, room),
    ...(room.kind === "space" ? { creation_content: { type: "m.space" } } : {}),
  };
}

/** True when every key of `desired` has the same value in `actual` (extra keys are kept). */
export function contentMatches(
  actual: Record<string, unknown> | undefined,
  desired: Record<string, unknown>,
): boolean {
  if (!actual) return false;
  return Object.entries(desired).every(([k, v]) => deepEqual(actual[k], v));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
