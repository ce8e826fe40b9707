import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import { SynapseAdminClient } from "../../homeserver-config/src/admin/synapse-admin.ts";
import { localpartForEmail } from "../../homeserver-config/src/directory/user-id.ts";
import {
  HttpProvisioningDirectory,
  provisionAccount,
  ProvisioningRefusedError,
} from "../../homeserver-config/src/policy/provision-account.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  homeserver,
  inviteByEmail,
  registerWithEmail,
  requestRegistrationToken,
  uniqueAddress,
} from "../support/policy.ts";

const stack = inject("stack");
const PASSWORD = "Un mot de passe assez long 42!";

async function tokenRefusal(hsId: string, email: string) {
  try {
    await requestRegistrationToken(stack, hsId, email, "secret-for-refusal-test");
  } catch (e) {
    if (!(e instanceof MatrixHttpError)) throw e;
    return { status: e.status, errcode: e.errcode };
  }
  throw new Error(`${hsId} accepted to register ${email}`);
}

describe("registration follows the directory", () => {
  it("creates an agent's account on their ministry's server, with a user id from the address", async () => {
    const email = uniqueAddress("nouvel.agent", "ministere-a.gouv.fr");
    const { user_id } = await registerWithEmail(stack, "ministere-a", email, PASSWORD);
    expect(user_id).toBe(
      `@${localpartForEmail(email)}:${homeserver(stack, "ministere-a").serverName}`,
    );
    // The new agent logs in with the password they chose.
    await TestClient.login(homeserver(stack, "ministere-a").clientUrl, user_id, PASSWORD);
  });

  it("refuses an address on any server but the one the directory names", async () => {
    const agentOfA = uniqueAddress("agent", "ministere-a.gouv.fr");
    for (const wrong of ["ministere-b", "externe"]) {
      expect(await tokenRefusal(wrong, agentOfA)).toEqual({
        status: 403,
        errcode: "M_THREEPID_DENIED",
      });
    }
    // An exact address of ministry B outside its domains goes to B only.
    expect(await tokenRefusal("ministere-a", "cabinet.b@prestataire.fr")).toMatchObject({
      status: 403,
    });
    // An unknown domain belongs to the external server, never to a ministry.
    expect(await tokenRefusal("ministere-a", uniqueAddress("x", "cabinet.example"))).toMatchObject({
      status: 403,
    });
  });

  it("lets an external user register only after an agent invited their address", async () => {
    const email = uniqueAddress("consultant", "cabinet-conseil.example");
    expect(await tokenRefusal("externe", email)).toEqual({
      status: 403,
      errcode: "M_THREEPID_DENIED",
    });

    const alice = await TestClient.demo(stack, "ministere-a");
    const invited = await inviteByEmail(stack, alice, email);
    expect(invited).toEqual({
      status: 200,
      body: {
        address: email,
        hs: homeserver(stack, "externe").serverName,
        invited_by: alice.userId,
      },
    });
    // Recorded where the directory keeps it (survives a restart of the service).
    const stored = await readFile(
      path.join(path.dirname(stack.homeservers[0]!.dir), "..", "directory", "invitations.json"),
      "utf8",
    );
    expect(JSON.parse(stored)).toContainEqual(
      expect.objectContaining({ address: email, invitedBy: alice.userId }),
    );

    const { user_id } = await registerWithEmail(stack, "externe", email, PASSWORD);
    expect(user_id).toBe(`@${localpartForEmail(email)}:${homeserver(stack, "externe").serverName}`);
  });

  it("records invitations only from agents, only for external addresses", async () => {
    const emma = await TestClient.demo(stack, "externe");
    const byExternal = await inviteByEmail(stack, emma, uniqueAddress("ami", "ailleurs.example"));
    expect(byExternal).toMatchObject({ status: 403, body: { reason: "EXTERNAL_INVITER" } });

    const alice = await TestClient.demo(stack, "ministere-a");
    const agent = await inviteByEmail(stack, alice, "collegue@ministere-b.gouv.fr");
    expect(agent).toMatchObject({ status: 403, body: { reason: "NOT_EXTERNAL" } });
    expect(agent.body.error).toContain("Ministère B");

    const res = await fetch(`${stack.services.directory!.url}/_tchap/directory/v1/invitations`, {
      method: "POST",
      body: JSON.stringify({
        address: uniqueAddress("x", "ailleurs.example"),
        openid: { access_token: "forged", matrix_server_name: alice.userId.split(":")[1] },
      }),
    });
    expect(res.status).toBe(401);
    const internal = await fetch(
      `${stack.services.directory!.url}/_tchap/directory/v1/internal/invitations/x%40y.example`,
    );
    expect(internal.status).toBe(401);
  });
});

describe("provisioning through the admin API", () => {
  const a = homeserver(stack, "ministere-a");
  const ext = homeserver(stack, "externe");
  const directoryFor = async () =>
    new HttpProvisioningDirectory(
      stack.services.directory!.url,
      (
        await readFile(
          path.join(path.dirname(path.dirname(a.dir)), "directory", "internal-token"),
          "utf8",
        )
      ).trim(),
    );

  it("refuses an address the directory sends elsewhere, unless explicitly overridden", async () => {
    const directory = await directoryFor();
    const admin = new SynapseAdminClient(a.clientUrl, a.admin.accessToken);
    const email = uniqueAddress("prestataire", "societe.example");
    const request = {
      email,
      displayName: "Paul Prestataire",
      agencyLabel: "Min. A",
      password: PASSWORD,
    };
    const target = { serverName: a.serverName, external: false, admin };

    const refused = await provisionAccount(directory, target, request).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProvisioningRefusedError);
    expect(refused).toMatchObject({ code: "WRONG_HOMESERVER" });
    await expect(
      TestClient.login(a.clientUrl, `@${localpartForEmail(email)}:${a.serverName}`, PASSWORD),
    ).rejects.toMatchObject({ status: 403 });

    const created = await provisionAccount(directory, target, { ...request, override: true });
    expect(created.result).toBe("created");
    await TestClient.login(a.clientUrl, created.userId, PASSWORD);
  });

  it("creates an external account only after an invitation", async () => {
    const directory = await directoryFor();
    const admin = new SynapseAdminClient(ext.clientUrl, ext.admin.accessToken);
    const email = uniqueAddress("expert", "bureau-etudes.example");
    const target = { serverName: ext.serverName, external: true, admin };
    const request = {
      email,
      displayName: "Eva Expert",
      agencyLabel: "Externe",
      password: PASSWORD,
    };

    await expect(provisionAccount(directory, target, request)).rejects.toMatchObject({
      code: "NOT_INVITED",
    });
    await inviteByEmail(stack, await TestClient.demo(stack, "ministere-b"), email);
    const { userId, result } = await provisionAccount(directory, target, request);
    expect(result).toBe("created");
    expect(userId).toBe(`@${localpartForEmail(email)}:${ext.serverName}`);
  });
});
