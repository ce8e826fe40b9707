import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFederation } from "../../homeserver-config/src/load-federation.ts";
import { layoutHomeservers, testInstance } from "../../homeserver-config/src/local/instance.ts";
import { localPolicyInput } from "../../homeserver-config/src/render/policy-local.ts";
import { policySettings } from "../../homeserver-config/src/render/policy-module.ts";
import {
  LOCAL_SQLITE_MODULE,
  renderLocalSynapseConfig,
} from "../../homeserver-config/src/render/synapse-local.ts";
import { renderProductionSynapseConfig } from "../../homeserver-config/src/render/synapse-production.ts";

const federation = parseFederation(
  readFileSync(path.join(import.meta.dirname, "../../homeserver-config/federation.yaml"), "utf8"),
  "federation.yaml",
);

describe("the policy module's rendered config", () => {
  it("carries the directory rules under the local profile's server names", () => {
    const instance = testInstance("/tmp/project", 3);
    const settings = policySettings(
      localPolicyInput(layoutHomeservers(federation, instance), instance),
    );
    const [module] = settings.modules as { module: string; config: Record<string, unknown> }[];
    expect(module!.module).toBe("tchap_policy.TchapPolicy");
    expect(module!.config.homeservers).toEqual([
      {
        server_name: "ministere-a.localhost",
        external: false,
        addresses: [],
        domains: ["ministere-a.gouv.fr", "*.ministere-a.gouv.fr"],
      },
      {
        server_name: "ministere-b.localhost",
        external: false,
        addresses: ["cabinet.b@prestataire.fr"],
        domains: ["ministere-b.gouv.fr", "*.ministere-b.gouv.fr"],
      },
      { server_name: "externe.localhost", external: true, addresses: [], domains: [] },
    ]);
    expect(module!.config.directory).toEqual({
      url: "http://127.0.0.1:18690",
      token_path: "/tmp/project/.local/test-3/directory/internal-token",
    });
    expect(settings).toMatchObject({
      enable_registration: true,
      registrations_require_3pid: ["email"],
      email: { smtp_host: "127.0.0.1", smtp_port: 18692 },
    });
  });

  it("is rendered into the production configs with production names and directory", () => {
    const homeserver = federation.homeservers.find((h) => h.external)!;
    const config = renderProductionSynapseConfig({
      federation,
      homeserver,
      dataDir: "/srv/synapse",
    });
    const [module] = config.modules as { config: Record<string, unknown> }[];
    expect(module!.config.directory).toEqual({
      url: "https://directory.tchap.gouv.fr",
      token_path: "/srv/synapse/directory-token",
    });
    expect(JSON.stringify(module!.config.homeservers)).toContain("agent.externe.tchap.gouv.fr");
    expect(config.room_prejoin_state).toEqual({
      additional_event_types: ["im.vector.room.access_rules"],
    });
    // The local profile's SQLite tuning never reaches production (PostgreSQL there).
    expect(JSON.stringify(config.modules)).not.toContain(LOCAL_SQLITE_MODULE);
  });

  it("is loaded locally next to the local profile's SQLite tuning", () => {
    const instance = testInstance("/tmp/project", 3);
    const layouts = layoutHomeservers(federation, instance);
    const config = renderLocalSynapseConfig({
      layout: layouts[0]!,
      federationServerNames: layouts.map((l) => l.serverName),
      rtcAuthServiceUrl: "http://127.0.0.1:1",
      secrets: { macaroonSecretKey: "m", formSecret: "f", registrationSharedSecret: "r" },
      policy: localPolicyInput(layouts, instance),
    });
    expect((config.modules as { module: string }[]).map((m) => m.module)).toEqual([
      "tchap_policy.TchapPolicy",
      LOCAL_SQLITE_MODULE,
    ]);
    expect(config.database).toMatchObject({ name: "sqlite3" });
  });
});
