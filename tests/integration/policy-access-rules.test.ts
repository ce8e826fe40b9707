import { beforeAll, describe, expect, inject, it } from "vitest";
import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import {
  ACCESS_RULES_EVENT,
  createRoomRequest,
  type RoomType,
} from "../../homeserver-config/src/policy/room-types.ts";
import { policyReasonOf } from "../../homeserver-config/src/policy/refusal-reasons.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import { homeserver } from "../support/policy.ts";

const stack = inject("stack");
const A = homeserver(stack, "ministere-a").serverName;
const EXTERNE = homeserver(stack, "externe").serverName;

/**
 * The homeserver's refusal of `action`: status, errcode, the message a user would see and the
 * policy module's machine-readable reason (`fr.tchap.reason`, null when Synapse itself refused).
 */
async function refusal(action: Promise<unknown>) {
  try {
    await action;
  } catch (e) {
    if (!(e instanceof MatrixHttpError)) throw e;
    const error = (e.body as { error?: string }).error;
    return { status: e.status, errcode: e.errcode, error, reason: policyReasonOf(e.body) };
  }
  throw new Error("the homeserver accepted what it should have refused");
}

let alice: TestClient; // ministère A
let bruno: TestClient; // ministère A
let chloe: TestClient; // ministère B
let emma: TestClient; // externe
let felix: TestClient; // externe

beforeAll(async () => {
  [alice, bruno, chloe, emma, felix] = await Promise.all([
    TestClient.demo(stack, "ministere-a", 0),
    TestClient.demo(stack, "ministere-a", 1),
    TestClient.demo(stack, "ministere-b", 0),
    TestClient.demo(stack, "externe", 0),
    TestClient.demo(stack, "externe", 1),
  ]);
});

function create(by: TestClient, type: RoomType, extra: Record<string, unknown> = {}) {
  return by.createRoom({
    ...createRoomRequest({ type, creatorUserId: by.userId, name: `${type} ${Date.now()}` }),
    ...extra,
  });
}

async function joinAfterInvite(by: TestClient, who: TestClient, roomId: string) {
  await by.invite(roomId, who.userId);
  await who.waitForInvite(roomId);
  await who.join(roomId);
}

describe("restricted rooms (the default)", () => {
  it("let agents of every ministry in, refuse to invite an external user", async () => {
    const roomId = await create(alice, "private");
    expect(await alice.state(roomId, ACCESS_RULES_EVENT)).toEqual({ rule: "restricted" });
    await joinAfterInvite(alice, chloe, roomId);

    const refused = await refusal(alice.invite(roomId, emma.userId));
    expect(refused).toMatchObject({
      status: 403,
      errcode: "M_FORBIDDEN",
      reason: "external_not_allowed",
    });
    expect(refused.error).toContain("restricted to agents");
    expect(refused.error).toContain(emma.userId);
  });

  it("are refused by the inviter's own server when another ministry's admin tries", async () => {
    const roomId = await create(alice, "private");
    await joinAfterInvite(alice, chloe, roomId);
    const pl = (await alice.state(roomId, "m.room.power_levels"))!;
    await alice.setState(roomId, "m.room.power_levels", {
      ...pl,
      users: { ...(pl.users as object), [chloe.userId]: 100 },
    });
    await chloe.waitForEvent(roomId, (e) => e.type === "m.room.power_levels");
    const refused = await refusal(chloe.invite(roomId, emma.userId));
    expect(refused).toMatchObject({
      status: 403,
      errcode: "M_FORBIDDEN",
      reason: "external_not_allowed",
    });
    expect(refused.error).toContain("restricted to agents");
  });

  it("keep external servers out of a forum: ministry A's server refuses the remote join", async () => {
    const alias = `forum-${Date.now()}`;
    const roomId = await alice.createRoom(
      createRoomRequest({ type: "forum", creatorUserId: alice.userId, aliasLocalpart: alias }),
    );
    // The homeserver added an ACL so that its make_join/send_join refuse the external server.
    expect(await alice.state(roomId, "m.room.server_acl")).toMatchObject({
      allow: ["*"],
      deny: [EXTERNE],
    });
    // Agents of another ministry join the forum freely.
    expect(await chloe.join(`#${alias}:${A}`)).toBe(roomId);

    const refused = await refusal(emma.join(roomId, [A]));
    expect(refused.status).toBe(403);
    expect(refused.error).toBe("Server is banned from room");
    expect(refused.reason).toBeNull(); // Synapse's own ACL check, not the policy module.
    const members = await alice.request<{ joined: Record<string, unknown> }>(
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`,
    );
    expect(Object.keys(members.joined).sort()).toEqual([alice.userId, chloe.userId].sort());
  });

  it("is what a room created without an access rule gets", async () => {
    const roomId = await alice.createRoom({ preset: "private_chat", name: "sans règle" });
    expect(await alice.state(roomId, ACCESS_RULES_EVENT)).toEqual({ rule: "restricted" });
    expect((await refusal(alice.invite(roomId, emma.userId))).status).toBe(403);
  });

  it("refuse an external invitee at creation, before any room exists", async () => {
    const refused = await refusal(create(alice, "private", { invite: [emma.userId] }));
    expect(refused).toMatchObject({
      status: 403,
      errcode: "M_FORBIDDEN",
      reason: "external_not_allowed",
    });
    expect(refused.error).toContain(emma.userId);
  });
});

describe("unrestricted rooms (open to external users)", () => {
  it("let an invited external user join and talk", async () => {
    const roomId = await create(alice, "private_external");
    expect(await alice.state(roomId, ACCESS_RULES_EVENT)).toEqual({ rule: "unrestricted" });
    expect(await alice.state(roomId, "m.room.server_acl")).toBeUndefined();
    await joinAfterInvite(alice, emma, roomId);
    const text = `Bonjour Emma ${Date.now()}`;
    await alice.send(roomId, text);
    expect((await emma.waitForEvent(roomId, (e) => e.content.body === text)).sender).toBe(
      alice.userId,
    );
  });

  it("refuse an external user who was not invited", async () => {
    const roomId = await create(alice, "private_external");
    // Refused by ministry A's server (make_join), relayed by the external server.
    const refused = await refusal(felix.join(roomId, [A]));
    expect(refused.status).toBe(403);
    expect(refused.error).toContain("only join this room when invited");
    expect(refused.reason).toBe("external_not_invited");
  });

  it("never raise an external user nor users_default above 0", async () => {
    const roomId = await create(alice, "private_external");
    await joinAfterInvite(alice, emma, roomId);
    const pl = (await alice.state(roomId, "m.room.power_levels"))!;
    const raiseEmma = await refusal(
      alice.setState(roomId, "m.room.power_levels", {
        ...pl,
        users: { ...(pl.users as object), [emma.userId]: 50 },
      }),
    );
    expect(raiseEmma).toMatchObject({
      status: 403,
      errcode: "M_FORBIDDEN",
      reason: "external_power_level",
    });
    expect(raiseEmma.error).toContain(emma.userId);
    const raiseAll = await refusal(
      alice.setState(roomId, "m.room.power_levels", { ...pl, users_default: 10 }),
    );
    expect(raiseAll.error).toContain("users_default");
    expect(raiseAll.reason).toBe("external_power_level");
    // An agent may still be raised.
    await alice.setState(roomId, "m.room.power_levels", {
      ...pl,
      users: { ...(pl.users as object), [bruno.userId]: 50 },
    });
  });

  it("are never published in the room directory nor opened to anyone", async () => {
    const roomId = await create(alice, "private_external");
    const publish = await refusal(
      alice.request(`/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId)}`, {
        method: "PUT",
        body: { visibility: "public" },
      }),
    );
    expect(publish.status).toBe(403);
    expect(publish.error).toContain("restricted to agents can be published");
    expect(publish).toMatchObject({ errcode: "M_FORBIDDEN", reason: "room_not_publishable" });
    const open = await refusal(
      alice.setState(roomId, "m.room.join_rules", { join_rule: "public" }),
    );
    expect(open.error).toContain("invite-only");
    expect(open.reason).toBe("invite_only_required");
    const createPublished = await refusal(
      create(alice, "private_external", { visibility: "public" }),
    );
    expect(createPublished.error).toContain("cannot be published");
    expect(createPublished.reason).toBe("room_not_publishable");
  });
});

describe("direct chats", () => {
  it("hold two people, whose name, topic and join rule stay fixed", async () => {
    const roomId = await alice.createRoom(
      createRoomRequest({ type: "direct", creatorUserId: alice.userId, invite: [chloe.userId] }),
    );
    expect(await alice.state(roomId, ACCESS_RULES_EVENT)).toEqual({ rule: "direct" });
    await chloe.waitForInvite(roomId);
    await chloe.join(roomId);

    const third = await refusal(alice.invite(roomId, bruno.userId));
    expect(third).toMatchObject({
      status: 403,
      errcode: "M_FORBIDDEN",
      reason: "direct_chat_full",
    });
    expect(third.error).toContain("at most two members");
    const name = await refusal(alice.setState(roomId, "m.room.name", { name: "Renommé" }));
    expect(name.error).toContain("cannot be changed");
    expect(name.reason).toBe("direct_chat_locked");
    const topic = await refusal(alice.setState(roomId, "m.room.topic", { topic: "Sujet" }));
    expect(topic.error).toContain("cannot be changed");
    expect(topic.reason).toBe("direct_chat_locked");
    const open = await refusal(
      alice.setState(roomId, "m.room.join_rules", { join_rule: "public" }),
    );
    expect(open.error).toContain("public join rule");
    expect(open.reason).toBe("direct_chat_public");
  });

  it("may be held with an external user", async () => {
    const roomId = await alice.createRoom(
      createRoomRequest({ type: "direct", creatorUserId: alice.userId, invite: [emma.userId] }),
    );
    await emma.waitForInvite(roomId);
    expect(await emma.join(roomId)).toBe(roomId);
  });

  it("cannot be created with three people", async () => {
    const refused = await refusal(
      alice.createRoom(
        createRoomRequest({
          type: "direct",
          creatorUserId: alice.userId,
          invite: [chloe.userId, bruno.userId],
        }),
      ),
    );
    expect(refused.error).toContain("at most two members");
    expect(refused.reason).toBe("direct_chat_full");
  });
});

describe("changing a room's access rule", () => {
  it("goes from restricted to unrestricted, which lets external users in", async () => {
    const roomId = await create(alice, "private");
    await alice.setState(roomId, ACCESS_RULES_EVENT, { rule: "unrestricted" });
    // The homeserver lifts the ACL that kept the external server out.
    await expect
      .poll(async () => (await alice.state(roomId, "m.room.server_acl"))?.deny, { timeout: 10_000 })
      .toEqual([]);
    await joinAfterInvite(alice, emma, roomId);
  });

  it("refuses every other change", async () => {
    const open = await create(alice, "private_external");
    const back = await refusal(alice.setState(open, ACCESS_RULES_EVENT, { rule: "restricted" }));
    expect(back).toMatchObject({
      status: 403,
      errcode: "M_FORBIDDEN",
      reason: "access_rule_change",
    });
    expect(back.error).toContain("from unrestricted to restricted");

    const restricted = await create(alice, "private");
    const toDirect = await refusal(
      alice.setState(restricted, ACCESS_RULES_EVENT, { rule: "direct" }),
    );
    expect(toDirect.error).toContain("from restricted to direct");
    expect(toDirect.reason).toBe("access_rule_change");

    const dm = await create(alice, "direct");
    const fromDirect = await refusal(
      alice.setState(dm, ACCESS_RULES_EVENT, { rule: "unrestricted" }),
    );
    expect(fromDirect.error).toContain("from direct to unrestricted");

    const bogus = await refusal(alice.setState(restricted, ACCESS_RULES_EVENT, { rule: "open" }));
    expect(bogus.error).toContain("Unknown access rule");
    expect(bogus.reason).toBe("unknown_access_rule");
    const bogusAtCreation = await refusal(
      alice.createRoom({
        initial_state: [{ type: ACCESS_RULES_EVENT, state_key: "", content: { rule: "open" } }],
      }),
    );
    expect(bogusAtCreation).toMatchObject({
      status: 400,
      errcode: "M_INVALID_PARAM",
      reason: "unknown_access_rule",
    });
  });

  it("refuses to open a published forum to external users", async () => {
    const roomId = await create(alice, "forum");
    const refused = await refusal(
      alice.setState(roomId, ACCESS_RULES_EVENT, { rule: "unrestricted" }),
    );
    expect(refused.error).toContain("invite-only");
    expect(refused.reason).toBe("invite_only_required");
  });

  it("is bypassed by server admins", async () => {
    const hs = homeserver(stack, "ministere-a");
    const admin = new TestClient(hs.clientUrl, hs.admin.userId, hs.admin.accessToken);
    const roomId = await create(admin, "private_external");
    await admin.setState(roomId, ACCESS_RULES_EVENT, { rule: "restricted" });
    expect(await admin.state(roomId, ACCESS_RULES_EVENT)).toEqual({ rule: "restricted" });
    const dm = await create(admin, "direct");
    await admin.setState(dm, "m.room.name", { name: "Nommé par l'administrateur" });
    // Admins bypass refusals, not the defaults: their rooms are restricted like anyone's.
    const plain = await admin.createRoom({ preset: "private_chat" });
    expect(await admin.state(plain, ACCESS_RULES_EVENT)).toEqual({ rule: "restricted" });
    expect(await admin.state(plain, "m.room.server_acl")).toMatchObject({ deny: [EXTERNE] });
  });
});
