import { describe, expect, it } from "vitest";
import type { HomeserverAdmin, UserSpec } from "../../homeserver-config/src/admin/synapse-admin.ts";
import {
  provisionAccount,
  type ProvisioningDirectory,
} from "../../homeserver-config/src/policy/provision-account.ts";

/** Records what provisioning would create; the real admin API is in the integration tests. */
class RecordingAdmin implements HomeserverAdmin {
  created: UserSpec[] = [];
  ensureUser(user: UserSpec) {
    this.created.push(user);
    return Promise.resolve("created" as const);
  }
}

const directory = (hs: string, invited = false): ProvisioningDirectory => ({
  homeserverFor: () => Promise.resolve(hs),
  isInvited: () => Promise.resolve(invited),
});

const request = {
  email: "Jeanne.Dupont@Ministere-A.gouv.fr",
  displayName: "Jeanne Dupont",
  agencyLabel: "Min. A",
  password: "x".repeat(20),
};

describe("provisioning an account", () => {
  it("creates it where the directory says, with the Tchap user id and display name", async () => {
    const admin = new RecordingAdmin();
    const target = { serverName: "a.example", external: false, admin };
    const res = await provisionAccount(directory("a.example"), target, request);
    expect(res).toEqual({
      userId: "@jeanne.dupont-ministere-a.gouv.fr:a.example",
      result: "created",
    });
    expect(admin.created[0]).toMatchObject({
      displayName: "Jeanne Dupont [Min. A]",
      email: "jeanne.dupont@ministere-a.gouv.fr",
    });
  });

  it("refuses another homeserver's address unless overridden", async () => {
    const admin = new RecordingAdmin();
    const target = { serverName: "b.example", external: false, admin };
    await expect(provisionAccount(directory("a.example"), target, request)).rejects.toMatchObject({
      code: "WRONG_HOMESERVER",
      message: expect.stringContaining("a.example"),
    });
    expect(admin.created).toEqual([]);
    await provisionAccount(directory("a.example"), target, { ...request, override: true });
    expect(admin.created).toHaveLength(1);
  });

  it("creates an external account only after an invitation", async () => {
    const admin = new RecordingAdmin();
    const target = { serverName: "x.example", external: true, admin };
    const ext = { ...request, email: "eva@bureau.example" };
    await expect(provisionAccount(directory("x.example"), target, ext)).rejects.toMatchObject({
      code: "NOT_INVITED",
    });
    await provisionAccount(directory("x.example", true), target, ext);
    expect(admin.created).toHaveLength(1);
  });

  it("refuses a malformed address before asking anyone", async () => {
    const target = { serverName: "a.example", external: false, admin: new RecordingAdmin() };
    await expect(
      provisionAccount(directory("a.example"), target, { ...request, email: "jeanne" }),
    ).rejects.toMatchObject({ code: "MALFORMED_ADDRESS" });
  });
});
