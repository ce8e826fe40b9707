import { ACCESS_RULES_EVENT } from "../../homeserver-config/src/policy/room-types.ts";
import type { PathIssue } from "../../homeserver-config/src/yaml-source.ts";
import type { DesiredRoom, ProvisioningSpec, SpecEnvironment } from "../spec/model.ts";
import { homeserverOfUser, serverNameOf } from "../spec/resolve-user.ts";
import type { Action } from "./actions.ts";
import {
  canonicalAlias,
  contentMatches,
  desiredParents,
  desiredState,
  helperHomeservers,
  inviterOf,
  isProvisioner,
  markerFor,
  provisionerDisplayName,
  provisionerOf,
  SPACE_PARENT_EVENT,
  type DesiredStateEvent,
} from "./desired-state.ts";
import type { AgentView } from "./discover.ts";
import {
  createdAt,
  creatorOf,
  markerOf,
  memberships,
  stateContent,
  stateOfType,
  type Membership,
  type RoomView,
} from "./room-view.ts";

export interface PlanInput {
  spec: ProvisioningSpec;
  env: SpecEnvironment;
  /** What each provisioner this run holds a token for sees (one agency, or all locally). */
  views: Map<string, AgentView>;
  /** Members and accounts found absent on their own homeserver. */
  missingUsers: Set<string>;
  /** Aliases wanted by rooms still to create that already point at another room. */
  takenAliases: Map<string, string>;
}

export interface RoomPlan {
  room: DesiredRoom;
  roomId: string | undefined;
  actions: Action[];
}

export interface Plan {
  rooms: RoomPlan[];
  accounts: Action[];
  /** Problems that stop `apply`: located in the spec by key path. */
  problems: PathIssue[];
  /** Things people should know that need no change (rooms left alone, duplicates). */
  notes: string[];
  /** Homeservers whose provisioner this run acts for. */
  actors: Set<string>;
}

interface Found {
  roomId: string;
  /** The room as each of this run's provisioners sees it (only those joined). */
  views: Map<string, RoomView>;
  /** Provisioners (homeserver ids) invited but not joined yet. */
  invited: Set<string>;
  owner: string;
}

export function allActions(plan: Plan): Action[] {
  return [...plan.accounts, ...plan.rooms.flatMap((r) => r.actions)];
}

/** Changes this run can make itself (others wait for the agency that holds the token). */
export function pendingActions(plan: Plan): Action[] {
  return allActions(plan).filter((a) => plan.actors.has(a.actor) && !a.blockedBy);
}

/** Compares the spec with what the homeservers hold, and lists the changes. Pure. */
export function computePlan(input: PlanInput): Plan {
  const { spec, views } = input;
  const plan: Plan = {
    rooms: [],
    accounts: [],
    problems: [],
    notes: [],
    actors: new Set(views.keys()),
  };
  const found = collectManagedRooms(input, plan.notes);
  const wanted = new Set(spec.rooms.map((r) => r.key));
  for (const [key, f] of found) {
    if (!wanted.has(key)) {
      plan.notes.push(
        `room "${key}" (${f.roomId}) is managed by spec "${spec.id}" but no longer listed: left as it is`,
      );
    }
  }

  for (const [hs, view] of views) {
    const displayName = provisionerDisplayName(input.env, hs);
    if (view.displayName === displayName) continue;
    plan.accounts.push({
      kind: "profile",
      actor: hs,
      room: "",
      displayName,
      detail: `${provisionerOf(input.env, hs)} → "${displayName}"`,
    });
  }

  const accountIds = new Set(spec.accounts.map((a) => a.userId));
  for (const a of spec.accounts) {
    if (!input.missingUsers.has(a.userId)) continue;
    plan.accounts.push({
      kind: "account",
      actor: a.homeserverId,
      room: "",
      userId: a.userId,
      email: a.email,
      displayName: a.displayName,
      detail: `${a.userId} (${a.displayName})`,
    });
  }

  const roomIds = new Map<string, string>();
  for (const [key, f] of found) roomIds.set(key, f.roomId);

  for (const room of spec.rooms) {
    const f = found.get(room.key);
    if (f && f.owner !== room.owner) {
      plan.problems.push({
        path: [...room.path, "owner"],
        message:
          `room "${room.key}" exists (${f.roomId}) and belongs to "${f.owner}"; ` +
          `the owner of a room cannot change`,
      });
      continue;
    }
    plan.rooms.push(planRoom(input, room, f, roomIds, accountIds, plan.problems));
  }
  return plan;
}

/** Rooms carrying this spec's marker, by key, merged over every provisioner's view. */
export function collectManagedRooms(
  input: Pick<PlanInput, "spec" | "env" | "views">,
  notes: string[] = [],
): Map<string, Found> {
  const byRoom = new Map<string, Found & { key: string; created: number; creator?: string }>();
  for (const [hs, view] of input.views) {
    for (const [roomId, room] of view.managed) {
      const marker = markerOf(room);
      if (!marker || marker.spec !== input.spec.id) continue;
      const entry = byRoom.get(roomId) ?? {
        roomId,
        key: marker.key,
        owner: marker.owner,
        views: new Map(),
        invited: new Set(),
        created: createdAt(room),
        creator: creatorOf(room),
      };
      entry.views.set(hs, room);
      byRoom.set(roomId, entry);
    }
    for (const inv of view.invites) {
      if (!inv.marker || inv.marker.spec !== input.spec.id) continue;
      if (!isProvisioner(input.env, inv.inviter)) continue;
      const entry = byRoom.get(inv.roomId) ?? {
        roomId: inv.roomId,
        key: inv.marker.key,
        owner: inv.marker.owner,
        views: new Map(),
        invited: new Set(),
        created: Number.MAX_SAFE_INTEGER,
      };
      entry.invited.add(hs);
      byRoom.set(inv.roomId, entry);
    }
  }
  const byKey = new Map<string, Found>();
  const candidates = [...byRoom.values()].sort((a, b) => a.created - b.created);
  for (const c of candidates) {
    const first = byKey.get(c.key);
    if (!first) {
      byKey.set(c.key, c);
    } else {
      notes.push(
        `room "${c.key}" exists twice (${first.roomId}, ${c.roomId}): managing the older one, ` +
          `the other is left as it is`,
      );
    }
  }
  return byKey;
}

function planRoom(
  input: PlanInput,
  room: DesiredRoom,
  f: Found | undefined,
  roomIds: Map<string, string>,
  accountIds: Set<string>,
  problems: PathIssue[],
): RoomPlan {
  const { env } = input;
  const actions: Action[] = [];
  const primary = f ? (f.views.get(room.owner) ?? f.views.values().next().value) : undefined;
  const exists = f !== undefined;

  if (!exists) {
    const alias = canonicalAlias(env, room);
    const takenBy = alias ? input.takenAliases.get(alias) : undefined;
    if (alias && takenBy) {
      problems.push({
        path: [...room.path, "alias"],
        message: `alias ${alias} already points at room ${takenBy}, which this spec does not manage`,
      });
      return { room, roomId: undefined, actions };
    }
    actions.push({
      kind: "create",
      actor: room.owner,
      room: room.key,
      detail: `${room.kind === "space" ? "space" : room.type} "${room.name}"${alias ? ` ${alias}` : ""}`,
    });
  } else if (primary) {
    actions.push(...stateChanges(input, room, primary, roomIds, problems));
  }

  // Membership: the newest membership event any of this run's homeservers has seen, so an
  // invitation just sent by one agency, or a kick by the owner, counts before it has reached
  // every homeserver of the room.
  const membershipOf = (userId: string): Membership | undefined => {
    if (!f) return undefined;
    const hs = homeserverOfUser(env, userId);
    if (hs && f.invited.has(hs) && userId === provisionerOf(env, hs)) return "invite";
    return latestMembership([...f.views.values()], userId);
  };
  const present = (m: Membership | undefined) => m === "join" || m === "invite";

  const owner = provisionerOf(env, room.owner);
  const desired = new Set<string>([owner]);
  const helperActions: Action[] = [];
  // Helpers whose provisioner cannot enter before the owner's provisioner acts, in a run
  // without the owner: their part waits for the owner's run.
  const waiting = new Set<string>();
  for (const hs of helperHomeservers(room)) {
    const p = provisionerOf(env, hs);
    desired.add(p);
    const m = membershipOf(p);
    if (m === "join") continue;
    if (m !== "invite" && !input.views.has(room.owner)) waiting.add(hs);
    if (m !== "invite") {
      actions.push({
        kind: "invite",
        actor: room.owner,
        room: room.key,
        userId: p,
        unban: m === "ban",
        marker: markerFor(input.spec.id, room),
        detail: p,
      });
    }
    helperActions.push({ kind: "join", actor: hs, room: room.key, detail: p });
  }

  const inviteActions: Action[] = [];
  for (const member of room.members) {
    desired.add(member.userId);
    const m = membershipOf(member.userId);
    if (present(m)) continue;
    if (input.missingUsers.has(member.userId) && !accountIds.has(member.userId)) {
      problems.push({
        path: member.path,
        message: `unknown member ${member.ref}: ${member.userId} has no account on "${member.homeserverId}"`,
      });
      continue;
    }
    inviteActions.push({
      kind: "invite",
      actor: inviterOf(room, member),
      room: room.key,
      userId: member.userId,
      unban: m === "ban",
      detail: member.userId === member.ref ? member.userId : `${member.userId} (${member.ref})`,
    });
  }

  if (f) {
    const everyone = new Set<string>();
    for (const v of f.views.values()) for (const u of memberships(v).keys()) everyone.add(u);
    for (const userId of [...everyone].sort()) {
      if (desired.has(userId) || isProvisioner(env, userId)) continue;
      const m = membershipOf(userId);
      if (!present(m)) continue;
      actions.push({
        kind: "kick",
        actor: room.owner,
        room: room.key,
        userId,
        detail: `${userId} (${m === "invite" ? "invited" : "joined"}, not in the spec)`,
      });
    }
  }

  // Owner's own invitations first, then each helper joins and brings in its own users.
  const mark = (a: Action): Action => (waiting.has(a.actor) ? { ...a, blockedBy: room.owner } : a);
  actions.push(...inviteActions.filter((a) => a.actor === room.owner));
  for (const join of helperActions) actions.push(mark(join));
  actions.push(...inviteActions.filter((a) => a.actor !== room.owner).map(mark));

  if (room.kind === "space") actions.push(...spaceChildChanges(input, room, primary, roomIds));
  return { room, roomId: f?.roomId, actions };
}

function latestMembership(views: RoomView[], userId: string): Membership | undefined {
  let best: { m: Membership; ts: number } | undefined;
  for (const v of views) {
    const e = v.state.get(`m.room.member\u0000${userId}`);
    if (!e) continue;
    const ts = e.origin_server_ts ?? 0;
    if (!best || ts > best.ts) best = { m: (e.content.membership as Membership) ?? "leave", ts };
  }
  return best?.m;
}

function stateChanges(
  input: PlanInput,
  room: DesiredRoom,
  view: RoomView,
  roomIds: Map<string, string>,
  problems: PathIssue[],
): Action[] {
  const { env } = input;
  const actions: Action[] = [];
  const parents = desiredParents(env, input.spec.rooms, room, roomIds);
  for (const d of [...desiredState(env, room), ...parents]) {
    const actual = stateContent(view, d.type, d.stateKey);
    if (contentMatches(actual, d.content)) continue;
    if (d.type === ACCESS_RULES_EVENT && actual && typeof actual.rule === "string") {
      const from = actual.rule;
      if (!(from === "restricted" && d.content.rule === "unrestricted")) {
        problems.push({
          path: [...room.path, "type"],
          message:
            `room "${room.key}" has access rule "${from}"; only "restricted" may become ` +
            `"unrestricted", so type "${room.type}" cannot apply`,
        });
        continue;
      }
    }
    const content = d.type === "m.room.power_levels" ? { ...actual, ...d.content } : d.content;
    actions.push({
      kind: "state",
      actor: room.owner,
      room: room.key,
      field: d.field,
      eventType: d.type,
      stateKey: d.stateKey,
      content,
      detail: describeChange(d.type, actual, d.content),
    });
  }
  if (stateContent(view, "m.room.encryption") && !room.type.startsWith("private")) {
    problems.push({
      path: [...room.path, "type"],
      message: `room "${room.key}" is encrypted; encryption cannot be turned off (type "${room.type}")`,
    });
  }
  actions.push(...staleParents(room, view, parents, roomIds));
  const alias = canonicalAlias(env, room);
  if (alias && stateContent(view, "m.room.canonical_alias")?.alias !== alias) {
    actions.push({ kind: "alias", actor: room.owner, room: room.key, alias, detail: alias });
  }
  return actions;
}

/** Links to spaces of this spec that no longer list the room: emptied, as the spec says. */
function staleParents(
  room: DesiredRoom,
  view: RoomView,
  wanted: DesiredStateEvent[],
  roomIds: Map<string, string>,
): Action[] {
  const managed = new Set(roomIds.values());
  const keep = new Set(wanted.map((d) => d.stateKey));
  return stateOfType(view, SPACE_PARENT_EVENT)
    .filter((e) => managed.has(e.state_key) && !keep.has(e.state_key))
    .filter((e) => Array.isArray(e.content.via) && e.content.via.length > 0)
    .map((e) => ({
      kind: "state",
      actor: room.owner,
      room: room.key,
      field: "space",
      eventType: SPACE_PARENT_EVENT,
      stateKey: e.state_key,
      content: {},
      detail: `${e.state_key} (not in the spec)`,
    }));
}

function spaceChildChanges(
  input: PlanInput,
  space: DesiredRoom,
  view: RoomView | undefined,
  roomIds: Map<string, string>,
): Action[] {
  const actions: Action[] = [];
  const wanted = new Set<string>();
  const byKey = new Map(input.spec.rooms.map((r) => [r.key, r]));
  for (const childKey of space.children) {
    const child = byKey.get(childKey);
    if (!child) continue;
    const childRoomId = roomIds.get(childKey);
    if (childRoomId) wanted.add(childRoomId);
    const via = serverNameOf(input.env, child.owner);
    const current =
      childRoomId && view ? stateContent(view, "m.space.child", childRoomId) : undefined;
    if (current && Array.isArray(current.via) && current.via.length > 0) continue;
    actions.push({
      kind: "space-child",
      actor: space.owner,
      room: space.key,
      childKey,
      childRoomId,
      via,
      remove: false,
      detail: childKey,
    });
  }
  if (view) {
    for (const e of stateOfType(view, "m.space.child")) {
      const via = e.content.via;
      if (wanted.has(e.state_key) || !Array.isArray(via) || via.length === 0) continue;
      actions.push({
        kind: "space-child",
        actor: space.owner,
        room: space.key,
        childKey: e.state_key,
        childRoomId: e.state_key,
        via: "",
        remove: true,
        detail: `${e.state_key} (not in the spec)`,
      });
    }
  }
  return actions;
}

function describeChange(
  type: string,
  actual: Record<string, unknown> | undefined,
  desired: Record<string, unknown>,
): string {
  if (type === "m.room.power_levels") return describePowerLevels(actual, desired);
  const field = Object.keys(desired)[0] ?? "";
  const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));
  return `${show(actual?.[field])} → ${show(desired[field])}`;
}

/** "users: +@a (100), @b 50→0; events: m.room.topic 100→50" — what a reviewer needs. */
export function describePowerLevels(
  actual: Record<string, unknown> | undefined,
  desired: Record<string, unknown>,
): string {
  const parts: string[] = [];
  const mapDiff = (name: string, a: unknown, d: unknown) => {
    const am = (a ?? {}) as Record<string, unknown>;
    const dm = (d ?? {}) as Record<string, unknown>;
    const items: string[] = [];
    for (const k of new Set([...Object.keys(am), ...Object.keys(dm)])) {
      if (am[k] === dm[k]) continue;
      if (am[k] === undefined) items.push(`+${k} ${String(dm[k])}`);
      else if (dm[k] === undefined) items.push(`-${k}`);
      else items.push(`${k} ${String(am[k])}→${String(dm[k])}`);
    }
    if (items.length) parts.push(`${name}: ${items.join(", ")}`);
  };
  for (const key of Object.keys(desired)) {
    const a = actual?.[key];
    const d = desired[key];
    if (typeof d === "object" && d !== null) mapDiff(key, a, d);
    else if (a !== d) parts.push(`${key} ${String(a)}→${String(d)}`);
  }
  return parts.join("; ") || "(reset)";
}
