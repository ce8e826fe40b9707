import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import type { ProvisioningSpec, SpecEnvironment } from "../spec/model.ts";
import { enc } from "../matrix/matrix-api.ts";
import { canonicalAlias } from "./desired-state.ts";
import { discover, forEachLimit, type AgentView } from "./discover.ts";
import { executePlan, type ExecuteResult, type ProvisioningAgent } from "./execute.ts";
import type { AuditLog } from "./audit-log.ts";
import type { Action } from "./actions.ts";
import { collectManagedRooms, computePlan, pendingActions, type Plan } from "./plan.ts";
import { memberships } from "./room-view.ts";

export interface ProvisionContext {
  spec: ProvisioningSpec;
  env: SpecEnvironment;
  /** The provisioners this run acts as: one agency in production, all of them locally. */
  agents: Map<string, ProvisioningAgent>;
}

/**
 * Reads what the homeservers hold and compares it with the spec. Only reads: the requests
 * are each provisioner's room list, a profile lookup for members not seen in any room yet,
 * and an alias lookup for rooms still to create.
 */
export async function planProvisioning(ctx: ProvisionContext): Promise<Plan> {
  const { spec, env, agents } = ctx;
  const views = new Map<string, AgentView>();
  await Promise.all(
    [...agents.values()].map(async (a) =>
      views.set(a.homeserverId, await discover(a.api, a.homeserverId)),
    ),
  );

  // A provisioner in no room yet: its profile tells its display name.
  await Promise.all(
    [...agents.values()].map(async (a) => {
      const view = views.get(a.homeserverId)!;
      if (view.displayName !== undefined) return;
      try {
        const profile = await a.api.call<{ displayname?: string }>(
          "GET",
          `/_matrix/client/v3/profile/${enc(a.api.userId)}`,
        );
        view.displayName = profile.displayname ?? null;
      } catch (e) {
        if (!(e instanceof MatrixHttpError && e.status === 404)) throw e;
        view.displayName = null;
      }
    }),
  );

  const seen = new Set<string>();
  for (const v of views.values()) {
    for (const room of v.managed.values()) {
      for (const [user, m] of memberships(room)) if (m === "join" || m === "invite") seen.add(user);
    }
  }
  const toCheck = new Map<string, string>();
  for (const r of spec.rooms) {
    for (const m of r.members) if (!seen.has(m.userId)) toCheck.set(m.userId, m.homeserverId);
  }
  for (const a of spec.accounts) toCheck.set(a.userId, a.homeserverId);
  const missingUsers = new Set<string>();
  await forEachLimit([...toCheck], 8, async ([userId, hs]) => {
    const agent = agents.get(hs);
    if (!agent) return; // Another agency's user: its own provisioner checks.
    try {
      await agent.api.call("GET", `/_matrix/client/v3/profile/${enc(userId)}`);
    } catch (e) {
      if (e instanceof MatrixHttpError && e.status === 404) missingUsers.add(userId);
      else throw e;
    }
  });

  const existing = collectManagedRooms({ spec, env, views });
  const takenAliases = new Map<string, string>();
  const toCreate = spec.rooms.filter((r) => r.alias && !existing.has(r.key) && agents.has(r.owner));
  await forEachLimit(toCreate, 8, async (r) => {
    const alias = canonicalAlias(env, r)!;
    try {
      const res = await agents
        .get(r.owner)!
        .api.call<{ room_id: string }>("GET", `/_matrix/client/v3/directory/room/${enc(alias)}`);
      takenAliases.set(alias, res.room_id);
    } catch (e) {
      if (!(e instanceof MatrixHttpError && e.status === 404)) throw e;
    }
  });

  return computePlan({ spec, env, views, missingUsers, takenAliases });
}

export interface ApplyOptions extends ProvisionContext {
  audit: AuditLog;
  concurrency?: number;
  onPlan?: (plan: Plan, round: number) => void;
  onProgress?: (done: number, total: number, last: Action) => void;
  /** Plan-and-apply rounds at most; the last plan checks that nothing is left. */
  maxRounds?: number;
}

export interface ApplyReport {
  /** The first plan: what this apply set out to do. */
  plan: Plan;
  rounds: ExecuteResult[];
  /** What is still pending after the last round (empty when converged). */
  remaining: Action[];
  /** Changes that wait for another agency's provisioner. */
  deferred: Action[];
  created: Map<string, string>;
}

export class PlanProblemsError extends Error {
  readonly code = "PLAN_PROBLEMS";
  constructor(readonly plan: Plan) {
    super(`${plan.problems.length} problem(s) in the spec stop the apply`);
  }
}

/**
 * Plans, applies, and plans again until nothing this run can do is left (a change can reveal
 * another: a provisioner that has just joined sees its room for the first time).
 */
export async function applyProvisioning(o: ApplyOptions): Promise<ApplyReport> {
  const rounds: ExecuteResult[] = [];
  const created = new Map<string, string>();
  let first: Plan | undefined;
  let plan = await planProvisioning(o);
  for (let round = 1; ; round++) {
    first ??= plan;
    o.onPlan?.(plan, round);
    if (plan.problems.length > 0) throw new PlanProblemsError(plan);
    const pending = pendingActions(plan);
    if (pending.length === 0 || round > (o.maxRounds ?? 3)) break;
    const res = await executePlan(plan, {
      spec: o.spec,
      env: o.env,
      agents: o.agents,
      audit: o.audit,
      ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    rounds.push(res);
    for (const [k, v] of res.created) created.set(k, v);
    plan = await planProvisioning(o);
    // Failures are reported, not hammered: the next apply tries them again.
    if (res.done === 0 || res.failed.length > 0) break;
  }
  const all = [...plan.accounts, ...plan.rooms.flatMap((r) => r.actions)];
  return {
    plan: first,
    rounds,
    remaining: pendingActions(plan),
    deferred: all.filter((a) => !plan.actors.has(a.actor) || a.blockedBy),
    created,
  };
}
