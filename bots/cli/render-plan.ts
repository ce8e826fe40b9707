import Table from "cli-table3";
import { styleText } from "node:util";
import { formatProblem } from "../../homeserver-config/src/yaml-source.ts";
import type { ProvisioningSpec } from "../spec/model.ts";
import { actionLabel, type Action } from "../provision/actions.ts";
import { allActions, pendingActions, type Plan } from "../provision/plan.ts";
import type { ApplyReport } from "../provision/provision.ts";

/** No line between rows: a plan of a hundred rooms stays one screen per few rooms. */
const COMPACT = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };

const colour = (c: Parameters<typeof styleText>[0], s: string, on: boolean) =>
  on ? styleText(c, s) : s;

/** The plan as a table people read before saying yes: one row per change, grouped by room. */
export function renderPlan(plan: Plan, spec: ProvisioningSpec, useColour: boolean): string {
  const out: string[] = [];
  if (plan.problems.length > 0) {
    out.push(
      colour("red", `The spec cannot be applied (${plan.problems.length} problem(s)):`, useColour),
    );
    for (const p of plan.problems) out.push(`  ${formatProblem(spec.source.problem(p))}`);
    out.push("");
  }
  const actions = allActions(plan);
  if (actions.length > 0) {
    const table = new Table({
      head: ["Room", "Agency", "Change", "Details"],
      style: { head: useColour ? ["cyan"] : [], border: useColour ? ["grey"] : [] },
      chars: COMPACT,
    });
    let last = "";
    for (const a of actions) {
      const room = a.room === "" ? "(accounts)" : a.room;
      const mine = plan.actors.has(a.actor) && !a.blockedBy;
      table.push([
        room === last ? "" : room,
        a.actor,
        colour(changeColour(a), actionLabel(a), useColour),
        mine ? a.detail : `${a.detail} — waits for ${a.blockedBy ?? a.actor}'s provisioner`,
      ]);
      last = room;
    }
    out.push(table.toString());
  }
  for (const n of plan.notes) out.push(colour("yellow", `note: ${n}`, useColour));
  out.push(summaryLine(plan));
  return out.join("\n");
}

export function summaryLine(plan: Plan): string {
  const pending = pendingActions(plan);
  const deferred = allActions(plan).length - pending.length;
  if (pending.length === 0 && deferred === 0) {
    return `No changes: the homeservers match the spec (${specName(plan)}).`;
  }
  const counts = new Map<string, number>();
  for (const a of pending) counts.set(actionLabel(a), (counts.get(actionLabel(a)) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => `${n} ${k}`);
  return (
    `${pending.length} change(s) to make${parts.length ? `: ${parts.join(", ")}` : ""}` +
    (deferred > 0 ? `; ${deferred} wait for other agencies' provisioners` : "") +
    "."
  );
}

function specName(plan: Plan): string {
  return plan.rooms.length === 1 ? "1 room" : `${plan.rooms.length} rooms`;
}

function changeColour(a: Action): Parameters<typeof styleText>[0] {
  if (a.kind === "create" || a.kind === "account") return "green";
  if (a.kind === "kick" || (a.kind === "space-child" && a.remove)) return "red";
  if (a.kind === "state" || a.kind === "alias") return "yellow";
  return "white";
}

/** What apply did: per change kind, done / failed / skipped, then each failure. */
export function renderApplyReport(
  report: ApplyReport,
  stats: { requests: number; writes: number; rateLimited: number; transientRetries: number },
  elapsedMs: number,
  auditLog: string,
  useColour: boolean,
): string {
  const out: string[] = [];
  const byKind = new Map<string, { done: number; failed: number }>();
  let skipped = 0;
  for (const r of report.rounds) {
    skipped += r.skipped;
    for (const f of r.failed) {
      const k = actionLabel(f.action);
      const e = byKind.get(k) ?? { done: 0, failed: 0 };
      e.failed++;
      byKind.set(k, e);
    }
  }
  const doneByKind = new Map<string, number>();
  for (const a of pendingActions(report.plan)) {
    doneByKind.set(actionLabel(a), (doneByKind.get(actionLabel(a)) ?? 0) + 1);
  }
  const doneTotal = report.rounds.reduce((n, r) => n + r.done, 0);
  if (doneTotal > 0 || byKind.size > 0) {
    const table = new Table({
      head: ["Change", "Planned", "Failed"],
      style: { head: useColour ? ["cyan"] : [], border: useColour ? ["grey"] : [] },
    });
    for (const [k, n] of doneByKind) table.push([k, String(n), String(byKind.get(k)?.failed ?? 0)]);
    out.push(table.toString());
  }
  const failures = report.rounds.flatMap((r) => r.failed);
  for (const f of failures) {
    out.push(
      colour(
        "red",
        `failed: ${f.action.room} ${actionLabel(f.action)} ${f.action.detail}: ${f.error}`,
        useColour,
      ),
    );
  }
  out.push(
    `${doneTotal} change(s) made in ${(elapsedMs / 1000).toFixed(1)} s` +
      ` (${stats.requests} requests, ${stats.writes} writes` +
      (stats.rateLimited ? `, ${stats.rateLimited} rate-limited answers waited out` : "") +
      (stats.transientRetries ? `, ${stats.transientRetries} transient errors retried` : "") +
      `)${failures.length ? `, ${failures.length} failed` : ""}${skipped ? `, ${skipped} skipped` : ""}.`,
  );
  if (report.remaining.length > 0) {
    out.push(
      colour(
        "red",
        `${report.remaining.length} change(s) still pending; run apply again.`,
        useColour,
      ),
    );
  } else {
    out.push(colour("green", "The homeservers match the spec.", useColour));
  }
  if (report.deferred.length > 0) {
    out.push(`${report.deferred.length} change(s) wait for other agencies' provisioners.`);
  }
  out.push(`Audit log: ${auditLog}`);
  return out.join("\n");
}
