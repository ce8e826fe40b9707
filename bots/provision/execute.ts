import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import type { ProvisioningSpec, SpecEnvironment } from "../spec/model.ts";
import { serverNameOf } from "../spec/resolve-user.ts";
import { nameAppserviceUser } from "../matrix/appservice-user.ts";
import { enc, type MatrixApi } from "../matrix/matrix-api.ts";
import { isTransient } from "../matrix/retry-policy.ts";
import { actionLabel, type Action } from "./actions.ts";
import type { AuditLog } from "./audit-log.ts";
import { createBody } from "./desired-state.ts";
import { discover, forEachLimit } from "./discover.ts";
import type { Plan, RoomPlan } from "./plan.ts";
import { MARKER_EVENT, markerOf } from "./room-view.ts";

/** One agency's provisioning identity on its own homeserver. */
export interface ProvisioningAgent {
  homeserverId: string;
  /** The appservice sender, `@provisioner:<server>`. */
  api: MatrixApi;
  /** A server admin of the same homeserver, only needed to create accounts. */
  admin?: MatrixApi;
}

export interface ExecuteContext {
  spec: ProvisioningSpec;
  env: SpecEnvironment;
  agents: Map<string, ProvisioningAgent>;
  audit: AuditLog;
  /** Rooms worked on at once. */
  concurrency?: number;
  onProgress?: (done: number, total: number, last: Action) => void;
}

export interface ExecuteResult {
  done: number;
  failed: { action: Action; error: string }[];
  /** Not attempted because an earlier step of the same room failed. */
  skipped: number;
  /** Room ids created in this run, by key. */
  created: Map<string, string>;
  /** How long each kind of change took (ms), for benchmarks and slow-server diagnosis. */
  durations: Map<string, number[]>;
}

const createRoomLimit = 10; // Synapse refuses createRoom with more invites than this.

/** Makes the plan's changes that this run's provisioners own, room by room. */
export async function executePlan(plan: Plan, ctx: ExecuteContext): Promise<ExecuteResult> {
  const mine = (a: Action) => ctx.agents.has(a.actor) && !a.blockedBy;
  const total =
    plan.accounts.filter(mine).length +
    plan.rooms.reduce((n, r) => n + r.actions.filter(mine).length, 0);
  const result: ExecuteResult = {
    done: 0,
    failed: [],
    skipped: 0,
    created: new Map(),
    durations: new Map(),
  };
  const roomIds = new Map<string, string>();
  for (const r of plan.rooms) if (r.roomId) roomIds.set(r.room.key, r.roomId);

  let finished = 0;
  const run = async (action: Action, roomId: string | undefined, fn: () => Promise<void>) => {
    const agent = ctx.agents.get(action.actor)!;
    const t0 = performance.now();
    try {
      await fn();
      const kind = actionLabel(action);
      result.durations.set(kind, [...(result.durations.get(kind) ?? []), performance.now() - t0]);
      result.done++;
      await audit(ctx, agent, action, roomId ?? roomIds.get(action.room), undefined);
    } catch (e) {
      result.failed.push({ action, error: (e as Error).message });
      await audit(ctx, agent, action, roomId ?? roomIds.get(action.room), e);
      throw e;
    } finally {
      ctx.onProgress?.(++finished, total, action);
    }
  };
  const skip = (actions: Action[]) => {
    for (const a of actions) {
      result.skipped++;
      ctx.onProgress?.(++finished, total, a);
    }
  };

  await forEachLimit(plan.accounts.filter(mine), 4, async (a) => {
    const agent = ctx.agents.get(a.actor)!;
    if (a.kind === "profile") {
      await run(a, undefined, () => nameAppserviceUser(agent.api, a.displayName)).catch(() => {});
    }
    if (a.kind !== "account") return;
    await run(a, undefined, () => ensureAccount(agent, a)).catch(() => {});
  });

  const waves = [
    plan.rooms.filter((r) => r.room.kind === "room"),
    plan.rooms.filter((r) => r.room.kind === "space"),
  ];
  for (const wave of waves) {
    await forEachLimit(wave, ctx.concurrency ?? 16, async (rp) => {
      await executeRoom(rp, ctx, roomIds, result, run, skip, mine);
    });
  }
  return result;
}

type Runner = (
  action: Action,
  roomId: string | undefined,
  fn: () => Promise<void>,
) => Promise<void>;

async function executeRoom(
  rp: RoomPlan,
  ctx: ExecuteContext,
  roomIds: Map<string, string>,
  result: ExecuteResult,
  run: Runner,
  skip: (a: Action[]) => void,
  mine: (a: Action) => boolean,
): Promise<void> {
  const { room } = rp;
  const actions = rp.actions.filter(mine);
  const ownerActs = actions.filter((a) => a.actor === room.owner);
  const ownerSetup = ownerActs.filter((a) => a.kind !== "invite" && a.kind !== "space-child");
  let ownerInvites = ownerActs.filter((a) => a.kind === "invite");
  const spaceChildren = ownerActs.filter((a) => a.kind === "space-child");
  const owner = ctx.agents.get(room.owner);

  try {
    for (const a of ownerSetup) {
      if (a.kind === "create" && owner) {
        // Members of the owner's homeserver ride along in createRoom; provisioners of other
        // agencies get an invitation carrying the marker instead, so they know the room.
        const along = ownerInvites.filter((i) => i.kind === "invite" && !i.marker && !i.unban);
        let inCreate = along.slice(0, createRoomLimit);
        const children = spaceChildren.flatMap((c) => {
          const id =
            c.kind === "space-child" ? (c.childRoomId ?? roomIds.get(c.childKey)) : undefined;
          return c.kind === "space-child" && id
            ? [{ type: "m.space.child", state_key: id, content: { via: [c.via] } }]
            : [];
        });
        await run(a, undefined, async () => {
          const userIds = (list: Action[]) => list.map((i) => (i as { userId: string }).userId);
          let id: string;
          try {
            id = await createRoom(ctx, owner, rp, userIds(inCreate), children);
          } catch (e) {
            // A homeserver whose per-room invite burst is below the list refuses it whole
            // (400, not 429): create the room alone and invite one by one, rate limited.
            if (!(e instanceof MatrixHttpError && /invite so many/i.test(e.message))) throw e;
            inCreate = [];
            id = await createRoom(ctx, owner, rp, [], children);
          }
          roomIds.set(room.key, id);
          result.created.set(room.key, id);
        });
        const roomId = roomIds.get(room.key);
        for (const i of inCreate) await run(i, roomId, async () => {});
        ownerInvites = ownerInvites.filter((i) => !inCreate.includes(i));
        if (children.length > 0) {
          for (const c of spaceChildren) await run(c, roomId, async () => {});
          spaceChildren.length = 0;
        }
      } else {
        const roomId = roomIds.get(room.key);
        await run(a, roomId, () => applyOwnerAction(ctx, owner!, a, roomId!));
      }
    }
  } catch {
    // Without the room (or its settings) nothing else of this room can follow.
    skip([...ownerInvites, ...spaceChildren, ...actions.filter((a) => a.actor !== room.owner)]);
    return;
  }

  const roomId = roomIds.get(room.key);
  if (!roomId) {
    skip(actions.filter((a) => !(ownerSetup as Action[]).includes(a)));
    return;
  }
  await forEachLimit(ownerInvites, 4, (a) =>
    run(a, roomId, () => invite(owner!.api, roomId, a)).catch(() => {}),
  );

  const helpers = [...new Set(actions.map((a) => a.actor))].filter((h) => h !== room.owner);
  await Promise.all(
    helpers.map(async (hs) => {
      const agent = ctx.agents.get(hs)!;
      const mineHere = actions.filter((a) => a.actor === hs);
      const join = mineHere.find((a) => a.kind === "join");
      if (join) {
        try {
          const via = serverNameOf(ctx.env, room.owner);
          await run(join, roomId, async () => {
            await agent.api.call("POST", `/_matrix/client/v3/join/${enc(roomId)}`, {
              query: { server_name: via },
              body: {},
            });
          });
        } catch {
          skip(mineHere.filter((a) => a !== join));
          return;
        }
      }
      await forEachLimit(
        mineHere.filter((a) => a.kind === "invite"),
        4,
        (a) => run(a, roomId, () => invite(agent.api, roomId, a)).catch(() => {}),
      );
    }),
  );

  for (const c of spaceChildren) {
    await run(c, roomId, () => applyOwnerAction(ctx, owner!, c, roomId, roomIds)).catch(() => {});
  }
}

/**
 * createRoom is the one request that must not be repeated blindly: if the answer was lost
 * (timeout, restart), the room may exist. Look for its marker before trying again.
 */
async function createRoom(
  ctx: ExecuteContext,
  owner: ProvisioningAgent,
  rp: RoomPlan,
  invite: string[],
  extraState: { type: string; state_key: string; content: Record<string, unknown> }[],
): Promise<string> {
  const body = createBody(ctx.env, ctx.spec.id, rp.room, invite, extraState);
  for (let attempt = 1; ; attempt++) {
    try {
      const { room_id } = await owner.api.call<{ room_id: string }>(
        "POST",
        "/_matrix/client/v3/createRoom",
        { body, retryTransient: false, timeoutMs: 120_000 },
      );
      return room_id;
    } catch (e) {
      if (!isTransient(e) || attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 500 * attempt));
      const view = await discover(owner.api, owner.homeserverId).catch(() => undefined);
      for (const [roomId, room] of view?.managed ?? []) {
        const m = markerOf(room);
        if (m?.spec === ctx.spec.id && m.key === rp.room.key) return roomId;
      }
    }
  }
}

async function applyOwnerAction(
  ctx: ExecuteContext,
  owner: ProvisioningAgent,
  a: Action,
  roomId: string,
  roomIds?: Map<string, string>,
): Promise<void> {
  const api = owner.api;
  const room = `/_matrix/client/v3/rooms/${enc(roomId)}`;
  switch (a.kind) {
    case "state":
      await api.call("PUT", `${room}/state/${enc(a.eventType)}/${enc(a.stateKey)}`, {
        body: a.content,
      });
      return;
    case "alias": {
      try {
        await api.call("PUT", `/_matrix/client/v3/directory/room/${enc(a.alias)}`, {
          body: { room_id: roomId },
        });
      } catch (e) {
        if (!(e instanceof MatrixHttpError && e.status === 409)) throw e;
        const { room_id } = await api.call<{ room_id: string }>(
          "GET",
          `/_matrix/client/v3/directory/room/${enc(a.alias)}`,
        );
        if (room_id !== roomId) throw new Error(`alias ${a.alias} already points at ${room_id}`);
      }
      await api.call("PUT", `${room}/state/m.room.canonical_alias/`, { body: { alias: a.alias } });
      return;
    }
    case "kick":
      await api.call("POST", `${room}/kick`, {
        body: { user_id: a.userId, reason: `Not listed in provisioning spec "${ctx.spec.id}"` },
      });
      return;
    case "space-child": {
      const childId = a.childRoomId ?? roomIds?.get(a.childKey);
      if (!childId) throw new Error(`room "${a.childKey}" does not exist`);
      await api.call("PUT", `${room}/state/m.space.child/${enc(childId)}`, {
        body: a.remove ? {} : { via: [a.via] },
      });
      return;
    }
    default:
      throw new Error(`unexpected owner action ${a.kind}`);
  }
}

async function invite(api: MatrixApi, roomId: string, a: Action): Promise<void> {
  if (a.kind !== "invite") return;
  const room = `/_matrix/client/v3/rooms/${enc(roomId)}`;
  if (a.unban) await api.call("POST", `${room}/unban`, { body: { user_id: a.userId } });
  try {
    if (a.marker) {
      await api.call("PUT", `${room}/state/m.room.member/${enc(a.userId)}`, {
        body: { membership: "invite", [MARKER_EVENT]: a.marker },
      });
    } else {
      await api.call("POST", `${room}/invite`, { body: { user_id: a.userId } });
    }
  } catch (e) {
    // Someone joined or was invited meanwhile: the goal is reached.
    if (
      e instanceof MatrixHttpError &&
      e.status === 403 &&
      /already (in|joined)/i.test(e.message)
    ) {
      return;
    }
    throw e;
  }
}

async function ensureAccount(agent: ProvisioningAgent, a: Action): Promise<void> {
  if (a.kind !== "account") return;
  if (!agent.admin) {
    throw Object.assign(
      new Error(`no admin access to "${agent.homeserverId}" to create ${a.userId}`),
      {
        code: "NO_ADMIN_ACCESS",
      },
    );
  }
  await agent.admin.call("PUT", `/_synapse/admin/v2/users/${enc(a.userId)}`, {
    body: {
      displayname: a.displayName,
      threepids: [{ medium: "email", address: a.email }],
      user_type: null,
    },
  });
}

async function audit(
  ctx: ExecuteContext,
  agent: ProvisioningAgent,
  action: Action,
  roomId: string | undefined,
  error: unknown,
): Promise<void> {
  const target =
    "userId" in action ? action.userId : action.kind === "state" ? action.eventType : action.detail;
  await ctx.audit.record({
    time: new Date().toISOString(),
    actor: agent.api.userId,
    agency: agent.homeserverId,
    spec: ctx.spec.id,
    room: action.room,
    ...(roomId ? { roomId } : {}),
    action: actionLabel(action),
    ...(target ? { target } : {}),
    result: error === undefined ? "ok" : "error",
    ...(error === undefined
      ? {}
      : {
          error: {
            code:
              error instanceof MatrixHttpError
                ? (error.errcode ?? `HTTP_${error.status}`)
                : ((error as { code?: string }).code ?? "ERROR"),
            message: (error as Error).message,
          },
        }),
  });
}
