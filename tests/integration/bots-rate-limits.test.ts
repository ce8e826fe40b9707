import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import type { LocalInstance } from "../../homeserver-config/src/local/instance.ts";
import { provisioningAppservice } from "../../homeserver-config/src/render/appservice.ts";
import {
  startLocalStack,
  type RunningStack,
} from "../../homeserver-config/src/stack/start-stack.ts";
import { totalStats } from "../../bots/cli/stats.ts";
import { targetFromStack } from "../../bots/config/target.ts";
import { HttpMatrixApi } from "../../bots/matrix/matrix-api.ts";
import { MemoryAuditLog } from "../../bots/provision/audit-log.ts";
import { discover } from "../../bots/provision/discover.ts";
import { pendingActions } from "../../bots/provision/plan.ts";
import { applyProvisioning, planProvisioning } from "../../bots/provision/provision.ts";
import { markerOf } from "../../bots/provision/room-view.ts";
import { parseSpec } from "../../bots/spec/load-spec.ts";

const projectRoot = inject("projectRoot");
const slot = Number(process.env.TCHAP_TEST_SLOT ?? 0);

/**
 * A second, small federation (ministry A and the external server) whose ministry-A homeserver
 * has production-like low limits, and whose provisioning appservice is registered rate limited,
 * so the provisioner meets 429 answers on every kind of request.
 */
const instance: LocalInstance = {
  name: `bots-ratelimit-${slot}`,
  dataDir: path.join(projectRoot, ".local", `bots-ratelimit-${slot}`),
  loopbackPrefix: `127.2.${40 + slot}`,
  portBase: 18008 + slot * 200 + 120,
};
const asToken = randomBytes(24).toString("base64url");
let running: RunningStack | undefined;

beforeAll(async () => {
  const full = await loadFederation(path.join(projectRoot, "homeserver-config/federation.yaml"));
  const keep = new Set(["ministere-a", "externe"]);
  const federation = {
    ...full,
    production: undefined,
    homeservers: full.homeservers.filter((h) => keep.has(h.id)),
    demoAccounts: full.demoAccounts.filter((a) => !a.email.includes("ministere-b")),
  };
  await rm(instance.dataDir, { recursive: true, force: true });
  await mkdir(instance.dataDir, { recursive: true });
  // Inside the data folder: Synapse runs in a root where only that folder is mounted.
  const registration = path.join(instance.dataDir, "provisioning-rate-limited.yaml");
  await writeFile(
    registration,
    stringify({
      ...provisioningAppservice("ministere-a.localhost", {
        asToken,
        hsToken: randomBytes(24).toString("base64url"),
      }),
      rate_limited: true,
    }),
    { mode: 0o600 },
  );
  running = await startLocalStack({
    federation,
    instance,
    projectRoot,
    services: [],
    overrides: {
      "ministere-a": {
        app_service_config_files: [registration],
        rc_room_creation: { per_second: 1, burst_count: 1 },
        rc_invites: {
          per_room: { per_second: 1, burst_count: 2 },
          per_user: { per_second: 1, burst_count: 2 },
          per_issuer: { per_second: 1, burst_count: 3 },
        },
      },
    },
    log: (line) => console.log(`[rate-limited federation] ${line}`),
  });
}, 300_000);

afterAll(async () => {
  await running?.stop();
});

describe("provisioning against a homeserver with low rate limits", () => {
  it("waits out every 429 (retry_after_ms) and still converges, with no duplicate", async () => {
    const stack = running!.description;
    const federation = await loadFederation(
      path.join(projectRoot, "homeserver-config/federation.yaml"),
    );
    const target = targetFromStack(
      stack,
      { ...federation, homeservers: federation.homeservers.filter((h) => h.id !== "ministere-b") },
      running!.stackFile,
    );
    const a = stack.homeservers.find((h) => h.id === "ministere-a")!;
    const limited = new HttpMatrixApi({
      baseUrl: a.clientUrl,
      serverName: a.serverName,
      userId: a.appservice.senderUserId,
      accessToken: asToken,
    });
    target.agents.set("ministere-a", { ...target.agents.get("ministere-a")!, api: limited });

    const keys = ["r1", "r2", "r3", "r4"];
    const spec = parseSpec(
      `version: 1
id: limits
defaults: { owner: ministere-a, type: private_external }
rooms:
${keys
  .map(
    (k) => `  - key: ${k}
    name: Salle ${k}
    members:
      - alice.martin@ministere-a.gouv.fr
      - bruno.petit@ministere-a.gouv.fr
      - emma.garnier@prestataire.example
      - felix.moreau@prestataire.example`,
  )
  .join("\n")}
`,
      "limits.yaml",
      target.env,
    );
    const ctx = { spec, env: target.env, agents: target.agents };
    const report = await applyProvisioning({ ...ctx, audit: new MemoryAuditLog() });
    expect(report.rounds.flatMap((r) => r.failed)).toEqual([]);
    expect(report.remaining).toEqual([]);
    expect(limited.stats.rateLimited).toBeGreaterThan(0);

    const view = await discover(limited, "ministere-a");
    const found = [...view.managed.values()].map((r) => markerOf(r)?.key).sort();
    expect(found).toEqual(keys);
    const again = await planProvisioning(ctx);
    expect(pendingActions(again)).toEqual([]);
    expect(totalStats(target.agents).rateLimited).toBe(limited.stats.rateLimited);
  });
});
