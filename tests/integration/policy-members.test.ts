import { describe, expect, inject, it } from "vitest";
import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import { POLICY_REASON_FIELD } from "../../homeserver-config/src/policy/refusal-reasons.ts";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import { TestClient } from "../support/matrix-test-client.ts";

const stack = inject("stack");

async function joinAfterInvite(by: TestClient, who: TestClient, roomId: string) {
  await by.invite(roomId, who.userId);
  await who.waitForInvite(roomId);
  await who.join(roomId);
}

async function levels(client: TestClient, roomId: string) {
  return ((await client.state(roomId, "m.room.power_levels"))!.users ?? {}) as Record<
    string,
    number
  >;
}

describe("when the last admin of a room leaves", () => {
  it("the homeserver promotes the longest-standing member", async () => {
    const [alice, bruno, chloe] = await Promise.all([
      TestClient.demo(stack, "ministere-a", 0),
      TestClient.demo(stack, "ministere-a", 1),
      TestClient.demo(stack, "ministere-b", 0),
    ]);
    const roomId = await alice.createRoom(
      createRoomRequest({ type: "private", creatorUserId: alice.userId, name: "Succession" }),
    );
    // Chloé (another ministry) joins first, Bruno after her.
    await joinAfterInvite(alice, chloe, roomId);
    await joinAfterInvite(alice, bruno, roomId);

    await alice.leave(roomId);
    await expect
      .poll(() => levels(bruno, roomId), { timeout: 10_000 })
      .toMatchObject({
        [chloe.userId]: 100,
      });
    expect((await levels(bruno, roomId))[bruno.userId]).toBeUndefined();
    // The new admin can act as one: rename the room.
    await chloe.waitForEvent(roomId, (e) => e.type === "m.room.power_levels");
    await chloe.setState(roomId, "m.room.name", { name: "Succession assurée" });
  });

  it("never promotes an external user, and leaves alone a room that keeps an admin", async () => {
    const [alice, bruno, emma] = await Promise.all([
      TestClient.demo(stack, "ministere-a", 0),
      TestClient.demo(stack, "ministere-a", 1),
      TestClient.demo(stack, "externe", 0),
    ]);
    const roomId = await alice.createRoom(
      createRoomRequest({ type: "private_external", creatorUserId: alice.userId }),
    );
    await joinAfterInvite(alice, emma, roomId);
    await joinAfterInvite(alice, bruno, roomId);
    await alice.leave(roomId);
    await expect
      .poll(() => levels(bruno, roomId), { timeout: 10_000 })
      .toMatchObject({
        [bruno.userId]: 100,
      });
    expect((await levels(bruno, roomId))[emma.userId]).toBeUndefined();

    // Bruno is now the admin; a moderator leaving changes nothing.
    const before = await levels(bruno, roomId);
    await emma.leave(roomId);
    expect(await levels(bruno, roomId)).toEqual(before);
  });
});

describe("external users", () => {
  it("cannot create rooms, not even a direct chat", async () => {
    const emma = await TestClient.demo(stack, "externe");
    const alice = stack.accounts.find((a) => a.homeserver === "ministere-a")!;
    for (const body of [
      createRoomRequest({ type: "private_external", creatorUserId: emma.userId }),
      createRoomRequest({ type: "direct", creatorUserId: emma.userId, invite: [alice.userId] }),
      {},
    ]) {
      const err = await emma.createRoom(body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MatrixHttpError);
      expect(err).toMatchObject({
        status: 403,
        errcode: "M_FORBIDDEN",
        body: { [POLICY_REASON_FIELD]: "external_cannot_create_room" },
      });
      expect((err as MatrixHttpError).message).toContain("External users cannot create rooms");
    }
  });

  it("do not appear in other users' directory searches", async () => {
    const [alice, chloe, emma, felix] = await Promise.all([
      TestClient.demo(stack, "ministere-a", 0),
      TestClient.demo(stack, "ministere-b", 0),
      TestClient.demo(stack, "externe", 0),
      TestClient.demo(stack, "externe", 1),
    ]);
    // Everyone shares a room. Its history is world-readable so that every homeserver's user
    // directory takes the members' profiles at once (for private rooms Synapse fetches remote
    // profiles a minute later), which makes a missing external user a real refusal.
    const request = createRoomRequest({ type: "private_external", creatorUserId: alice.userId });
    request.initial_state = (request.initial_state as { type: string }[]).map((e) =>
      e.type === "m.room.history_visibility"
        ? { ...e, content: { history_visibility: "world_readable" } }
        : e,
    );
    const roomId = await alice.createRoom(request);
    // The external users join first: user directories process joins in order, so once the
    // agent who joined last is searchable, the external users' profiles are indexed too.
    for (const u of [emma, felix, chloe]) await joinAfterInvite(alice, u, roomId);

    const search = async (who: TestClient, term: string) =>
      (
        await who.request<{ results: { user_id: string }[] }>(
          "/_matrix/client/v3/user_directory/search",
          { method: "POST", body: { search_term: term, limit: 20 } },
        )
      ).results.map((r) => r.user_id);

    // The directory works (an agent of another ministry is found) ...
    await expect
      .poll(() => search(alice, "Bernard"), { timeout: 20_000, interval: 1000 })
      .toContain(chloe.userId);
    await expect
      .poll(() => search(chloe, "Martin"), { timeout: 20_000, interval: 1000 })
      .toContain(alice.userId);
    // (External users search too: Félix finds the agent who invited him.)
    await expect
      .poll(() => search(felix, "Martin"), { timeout: 20_000, interval: 1000 })
      .toContain(alice.userId);
    // ... but never lists an external user: not to agents, not to other external users.
    expect(await search(alice, "Garnier")).not.toContain(emma.userId);
    expect(await search(chloe, "Garnier")).not.toContain(emma.userId);
    expect(await search(felix, "Garnier")).not.toContain(emma.userId);
    expect(await search(alice, "Moreau")).not.toContain(felix.userId);
  });
});
