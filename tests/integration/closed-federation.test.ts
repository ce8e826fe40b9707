import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import { registerWithSharedSecret } from "../../homeserver-config/src/admin/synapse-admin.ts";
import { testInstance } from "../../homeserver-config/src/local/instance.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import { startOutsiderHomeserver, type Outsider } from "../support/outsider-homeserver.ts";

const stack = inject("stack");
const projectRoot = inject("projectRoot");

describe("the federation is closed to homeservers outside its whitelist", () => {
  let outsider: Outsider;
  let intruder: TestClient;
  let alice: TestClient;
  let roomId: string;
  const alias = `#ouvert-${Date.now()}:ministere-a.localhost`;

  beforeAll(async () => {
    outsider = await startOutsiderHomeserver(testInstance(projectRoot), stack);
    const reg = await registerWithSharedSecret(outsider.clientUrl, outsider.sharedSecret, {
      localpart: "intrus",
      password: "intrus-password",
      admin: false,
    });
    intruder = new TestClient(outsider.clientUrl, reg.user_id, reg.access_token);
    alice = await TestClient.demo(stack, "ministere-a");
    roomId = await alice.createRoom({
      name: "Forum ouvert",
      preset: "public_chat",
      room_alias_name: alias.slice(1).split(":")[0],
    });
  }, 180_000);

  afterAll(async () => {
    await outsider?.stop();
  });

  it("lets a whitelisted agency join the public room (control)", async () => {
    const chloe = await TestClient.demo(stack, "ministere-b");
    expect(await chloe.join(alias)).toBe(roomId);
  });

  it("refuses an outsider who tries to join the room, by alias or by id", async () => {
    await expect(intruder.join(alias)).rejects.toBeInstanceOf(MatrixHttpError);
    await expect(intruder.join(roomId, ["ministere-a.localhost"])).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("Federation denied with intrus.localhost"),
    });
    const { joined } = await alice.request<{ joined: Record<string, unknown> }>(
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`,
    );
    expect(Object.keys(joined).some((u) => u.endsWith(":intrus.localhost"))).toBe(false);
  });

  it("refuses to send into the room from the outsider", async () => {
    await expect(intruder.send(roomId, "intrusion")).rejects.toMatchObject({ status: 403 });
  });

  it("does not deliver an agency's invite to an outsider", async () => {
    const invite = alice.invite(roomId, intruder.userId);
    await expect(invite).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("Federation denied with intrus.localhost"),
    });
    const sync = await intruder.sync(0);
    expect(sync.rooms?.invite?.[roomId]).toBeUndefined();
  });
});
