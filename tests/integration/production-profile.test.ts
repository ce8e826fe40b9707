import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { registerWithSharedSecret } from "../../homeserver-config/src/admin/synapse-admin.ts";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import { testInstance } from "../../homeserver-config/src/local/instance.ts";
import { POLICY_MODULE_DIR } from "../../homeserver-config/src/render/policy-module.ts";
import { writeProductionConfigs } from "../../homeserver-config/src/render/write-production.ts";
import { defaultLauncher } from "../../homeserver-config/src/synapse/launcher.ts";
import { SynapseProcess } from "../../homeserver-config/src/synapse/process.ts";
import { startPostgres, type PostgresServer } from "../support/postgres-server.ts";

const projectRoot = inject("projectRoot");

describe("the production profile", () => {
  const instance = testInstance(projectRoot);
  const pgPort = instance.portBase + 150;
  const listenPort = instance.portBase + 151;
  let pg: PostgresServer;
  let out: string;
  let synapse: SynapseProcess | undefined;

  beforeAll(async () => {
    pg = await startPostgres(pgPort);
    out = await mkdtemp(path.join(instance.dataDir, "production-"));
  }, 120_000);
  afterAll(async () => {
    await synapse?.stop();
    await pg?.stop();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it("renders configs that a real Synapse loads, on a real PostgreSQL", async () => {
    const federation = await loadFederation(
      path.join(projectRoot, "homeserver-config/federation.yaml"),
    );
    // Point ministry A's production database at the throwaway cluster.
    federation.production!.homeservers["ministere-a"]!.database = {
      host: pg.host,
      port: pg.port,
      name: pg.database,
      user: pg.user,
    };
    const written = await writeProductionConfigs(federation, out, { listenPort });
    const a = written.find((w) => w.id === "ministere-a")!;

    const config = parse(await readFile(a.configFiles[0], "utf8"));
    expect(config.federation_verify_certificates).toBe(true);
    expect(config.listeners[0].x_forwarded).toBe(true);
    expect(config).not.toHaveProperty("rc_message"); // Synapse's default rate limits
    expect(config).not.toHaveProperty("ip_range_whitelist");
    expect(config).not.toHaveProperty("registration_shared_secret"); // lives in secrets.yaml
    expect(JSON.stringify(config)).not.toContain(pg.password);
    expect(config.modules).toEqual([
      expect.objectContaining({ module: "tchap_policy.TchapPolicy" }),
    ]);

    const keyBefore = await readFile(path.join(a.dir, "signing.key"), "utf8");
    const secretsBefore = await readFile(a.configFiles[1], "utf8");
    await writeProductionConfigs(federation, out, { listenPort });
    expect(await readFile(path.join(a.dir, "signing.key"), "utf8")).toBe(keyBefore);
    expect(await readFile(a.configFiles[1], "utf8")).toBe(secretsBefore);

    const hostsFile = path.join(out, "hosts");
    await writeFile(hostsFile, "127.0.0.1 localhost\n");
    const clientUrl = `http://127.0.0.1:${listenPort}`;
    synapse = await SynapseProcess.start(await defaultLauncher(), {
      configFiles: a.configFiles,
      dataDir: out,
      hostsFile,
      // The policy module the production config loads (deployed beside Synapse).
      pythonPath: [path.join(projectRoot, POLICY_MODULE_DIR)],
      env: { PGPASSWORD: pg.password },
      serverName: a.serverName,
      clientUrl,
      consoleLog: path.join(a.dir, "console.log"),
      logFile: path.join(a.dir, "homeserver.log"),
    });

    const secrets = parse(secretsBefore) as { registration_shared_secret: string };
    const admin = await registerWithSharedSecret(clientUrl, secrets.registration_shared_secret, {
      localpart: "admin",
      password: "a-long-admin-password",
      admin: true,
    });
    expect(admin.user_id).toBe("@admin:agent.ministere-a.tchap.gouv.fr");
    // The account is in PostgreSQL, not in some SQLite file.
    expect(await pg.query("SELECT name FROM users")).toBe("@admin:agent.ministere-a.tchap.gouv.fr");
  });
});
