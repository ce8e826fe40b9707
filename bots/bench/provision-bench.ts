import path from "node:path";
import { SynapseAdminClient } from "../../homeserver-config/src/admin/synapse-admin.ts";
import { synapseCpuSeconds } from "../../homeserver-config/src/synapse/cpu-time.ts";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";
import { totalStats } from "../cli/stats.ts";
import { targetFromStack } from "../config/target.ts";
import { MemoryAuditLog } from "../provision/audit-log.ts";
import { applyProvisioning } from "../provision/provision.ts";
import { parseSpec } from "../spec/load-spec.ts";

/** Same shape as tests/bench/harness.ts's BenchFigure, so `npm run bench` can list it. */
export interface ProvisioningFigure {
  metric: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
}

export interface ProvisioningBenchOptions {
  stack: StackDescription;
  projectRoot: string;
  rooms?: number;
  membersPerRoom?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Provisions `rooms` rooms of `membersPerRoom` members spread over the three homeservers
 * (two ministries and the external users' server), owners alternating between the ministries;
 * then runs the same apply again, which must change nothing.
 */
export async function benchProvisioning(
  o: ProvisioningBenchOptions,
): Promise<ProvisioningFigure[]> {
  const rooms = o.rooms ?? 100;
  const perRoom = o.membersPerRoom ?? 10;
  const log = o.log ?? (() => {});
  const federation = await loadFederation(
    path.join(o.projectRoot, "homeserver-config/federation.yaml"),
  );
  const runId = `bench${Date.now().toString(36)}`;

  // Members: 4 of ministry A, 4 of ministry B, 2 external users per room, from pools of 12.
  const pools: Record<string, string[]> = { "ministere-a": [], "ministere-b": [], externe: [] };
  const domains = {
    "ministere-a": "ministere-a.gouv.fr",
    "ministere-b": "ministere-b.gouv.fr",
    externe: "partenaire.example",
  };
  for (const hs of o.stack.homeservers) {
    const admin = new SynapseAdminClient(hs.clientUrl, hs.admin.accessToken);
    const domain = domains[hs.id as keyof typeof domains];
    for (let i = 0; i < 12; i++) {
      const email = `agent${i}.${runId}@${domain}`;
      const userId = `@agent${i}.${runId}-${domain}:${hs.serverName}`;
      await admin.ensureUser({ userId, password: runId, displayName: `Agent ${i}`, email });
      pools[hs.id]!.push(email);
    }
  }
  const split = { "ministere-a": Math.ceil(perRoom * 0.4), externe: Math.floor(perRoom * 0.2) };
  const specText = [
    "version: 1",
    `id: ${runId}`,
    "defaults: { type: private_external }",
    "rooms:",
    ...Array.from({ length: rooms }, (_, r) => {
      const members: string[] = [];
      const take = (hs: string, n: number) => {
        for (let k = 0; k < n; k++) members.push(pools[hs]![(r * 3 + k) % pools[hs]!.length]!);
      };
      take("ministere-a", split["ministere-a"]);
      take("externe", split.externe);
      take("ministere-b", perRoom - split["ministere-a"] - split.externe);
      return [
        `  - key: room-${r}`,
        `    name: Salle ${r}`,
        `    topic: Salle de test ${r}`,
        `    owner: ${r % 2 ? "ministere-b" : "ministere-a"}`,
        `    members: [${members.join(", ")}]`,
      ].join("\n");
    }),
  ].join("\n");

  const run = async () => {
    const target = targetFromStack(
      o.stack,
      federation,
      path.join(o.projectRoot, ".local/bench.json"),
    );
    const spec = parseSpec(specText, "bench.yaml", target.env);
    const cpu0 = await synapseCpu(o.stack);
    const t0 = performance.now();
    const report = await applyProvisioning({
      spec,
      env: target.env,
      agents: target.agents,
      audit: new MemoryAuditLog(),
      ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    });
    const ms = performance.now() - t0;
    const cpu1 = await synapseCpu(o.stack);
    const cpu = [...cpu1].map(([id, s]) => [id, s - (cpu0.get(id) ?? 0)] as const);
    const failed = report.rounds.flatMap((r) => r.failed);
    if (failed.length > 0 || report.remaining.length > 0) {
      throw new Error(
        `provisioning did not converge: ${failed.length} failed (${failed[0]?.error ?? ""}), ` +
          `${report.remaining.length} remaining`,
      );
    }
    const durations = new Map<string, number[]>();
    for (const r of report.rounds) {
      for (const [k, v] of r.durations) durations.set(k, [...(durations.get(k) ?? []), ...v]);
    }
    for (const [k, v] of durations) {
      const sorted = [...v].sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.floor(sorted.length * q)] ?? 0);
      log(`  ${k}: ${v.length}× median ${at(0.5)} ms, p90 ${at(0.9)} ms`);
    }
    return {
      ms,
      cpuTotal: cpu.reduce((n, [, s]) => n + s, 0),
      cpuBusiest: Math.max(0, ...cpu.map(([, s]) => s)),
      stats: totalStats(target.agents),
      changes: report.rounds.reduce((n, x) => n + x.done, 0),
    };
  };

  log(`provisioning ${rooms} rooms × ${perRoom} members over 3 homeservers…`);
  const first = await run();
  log(
    `  first apply: ${round(first.ms / 1000)} s, ${first.stats.requests} requests, ` +
      `Synapse CPU ${round(first.cpuTotal)} s (busiest ${round(first.cpuBusiest)} s)`,
  );
  const again = await run();
  log(`  no-op apply: ${round(again.ms / 1000, 2)} s, ${again.stats.writes} writes`);

  return [
    {
      metric: "wall time, first apply",
      value: round(first.ms / 1000),
      unit: "s",
      target: "≤ 60",
      met: first.ms <= 60_000,
    },
    {
      metric: "Synapse CPU, first apply (all homeservers)",
      value: round(first.cpuTotal),
      unit: "s",
    },
    {
      metric: "Synapse CPU, busiest homeserver / wall time",
      value: round(first.cpuBusiest / (first.ms / 1000), 2),
      unit: "×",
    },
    { metric: "changes made", value: first.changes, unit: "changes" },
    { metric: "requests per room", value: round(first.stats.requests / rooms), unit: "requests" },
    { metric: "writes per room", value: round(first.stats.writes / rooms), unit: "requests" },
    { metric: "rate-limited answers", value: first.stats.rateLimited, unit: "429s" },
    {
      metric: "no-op re-run",
      value: round(again.ms / 1000, 2),
      unit: "s",
      target: "≤ 3",
      met: again.ms <= 3_000,
    },
    {
      metric: "no-op re-run writes",
      value: again.stats.writes,
      unit: "writes",
      target: "0",
      met: again.stats.writes === 0,
    },
    { metric: "no-op re-run requests", value: again.stats.requests, unit: "requests" },
  ];
}

/** CPU seconds each homeserver's Synapse has used so far (absent: not measurable here). */
async function synapseCpu(stack: StackDescription): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const hs of stack.homeservers) {
    const s = await synapseCpuSeconds(hs.dir);
    if (s !== undefined) out.set(hs.id, s);
  }
  return out;
}

/** For tests/bench/benchmarks.ts: `npm run bench` passes its stack. */
export const provisioningBenchmark = {
  name: "bots: provision 100 rooms × 10 members over 3 homeservers",
  run: (ctx: { stack: StackDescription; projectRoot: string; log: (l: string) => void }) =>
    benchProvisioning({ stack: ctx.stack, projectRoot: ctx.projectRoot, log: ctx.log }),
};
