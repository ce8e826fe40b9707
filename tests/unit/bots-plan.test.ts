import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFederation } from "../../homeserver-config/src/load-federation.ts";
import type { AgentView } from "../../bots/provision/discover.ts";
import { createBody, provisionerDisplayName } from "../../bots/provision/desired-state.ts";
import { computePlan, pendingActions, type PlanInput } from "../../bots/provision/plan.ts";
import { MARKER_EVENT, roomView, type StateEvent } from "../../bots/provision/room-view.ts";
import { parseSpec } from "../../bots/spec/load-spec.ts";
import type { SpecEnvironment } from "../../bots/spec/model.ts";

const root = path.join(import.meta.dirname, "../..");
const env: SpecEnvironment = {
  federation: parseFederation(
    readFileSync(path.join(root, "homeserver-config/federation.yaml"), "utf8"),
    "federation.yaml",
  ),
  serverNames: { "ministere-a": "a.test", "ministere-b": "b.test", externe: "x.test" },
};

const spec = parseSpec(
  `version: 1
id: t
defaults: { owner: ministere-a }
rooms:
  - key: crise
    name: Crise
    topic: Cellule de crise
    members:
      - { user: "@alice:a.test", role: admin }
      - "@chloe:b.test"
  - key: ext
    name: Avec externes
    type: private_external
    members: ["@bruno:a.test", "@emma:x.test"]
`,
  "t.yaml",
  env,
);
const crise = spec.rooms[0]!;

/** The state a room has right after the provisioner created it as the spec says. */
function createdState(roomId: string, extra: StateEvent[] = []): StateEvent[] {
  const body = createBody(env, "t", crise, []);
  const sender = "@provisioner:a.test";
  const ev = (type: string, state_key: string, content: Record<string, unknown>): StateEvent => ({
    type,
    state_key,
    sender,
    content,
  });
  const initial = body.initial_state as {
    type: string;
    state_key: string;
    content: Record<string, unknown>;
  }[];
  return [
    { ...ev("m.room.create", "", { room_version: "11" }), origin_server_ts: 1 },
    ev("m.room.name", "", { name: body.name }),
    ev("m.room.topic", "", { topic: body.topic }),
    ev("m.room.power_levels", "", {
      ...(body.power_level_content_override as object),
      historical: 100,
    }),
    ...initial.map((e) => ev(e.type, e.state_key, e.content)),
    ev("m.room.member", sender, { membership: "join" }),
    ev("m.room.member", "@provisioner:b.test", { membership: "join" }),
    ev("m.room.member", "@alice:a.test", { membership: "join" }),
    ev("m.room.member", "@chloe:b.test", { membership: "invite" }),
    ...extra,
  ].filter((e) => roomId && e);
}

function views(stateA: StateEvent[], stateB?: StateEvent[]): Map<string, AgentView> {
  const a: AgentView = {
    homeserverId: "ministere-a",
    managed: new Map(),
    invites: [],
    displayName: provisionerDisplayName(env, "ministere-a"),
    requests: 1,
  };
  a.managed.set("!crise:a.test", roomView("!crise:a.test", stateA));
  const b: AgentView = {
    homeserverId: "ministere-b",
    managed: new Map(),
    invites: [],
    displayName: provisionerDisplayName(env, "ministere-b"),
    requests: 1,
  };
  if (stateB) b.managed.set("!crise:a.test", roomView("!crise:a.test", stateB));
  return new Map([
    ["ministere-a", a],
    ["ministere-b", b],
  ]);
}

const input = (v: Map<string, AgentView>, only?: string[]): PlanInput => ({
  spec: { ...spec, rooms: [crise] },
  env,
  views: only ? new Map([...v].filter(([k]) => only.includes(k))) : v,
  missingUsers: new Set(),
  takenAliases: new Map(),
});

const rows = (p: ReturnType<typeof computePlan>) =>
  pendingActions(p).map((a) =>
    `${a.actor} ${a.kind} ${"field" in a ? a.field : ""}${"userId" in a ? a.userId : ""}`.trim(),
  );

describe("provisioning plan", () => {
  it("has nothing to do when the room matches the spec", () => {
    const s = createdState("!crise:a.test");
    const plan = computePlan(input(views(s, s)));
    expect(plan.problems).toEqual([]);
    expect(rows(plan)).toEqual([]);
  });

  it("creates a missing room; each agency's provisioner brings in its own users", () => {
    const plan = computePlan({ ...input(views([])), spec });
    expect(rows(plan)).toEqual([
      "ministere-a create",
      "ministere-a invite @provisioner:b.test",
      "ministere-a invite @alice:a.test",
      "ministere-b join",
      "ministere-b invite @chloe:b.test",
      "ministere-a create",
      // External users are invited by the owner: externals may hold no power to invite.
      "ministere-a invite @bruno:a.test",
      "ministere-a invite @emma:x.test",
    ]);
  });

  it("sees drift: a changed topic, a power level given by hand, an unlisted member", () => {
    const s = createdState("!crise:a.test");
    const pl = s.find((e) => e.type === "m.room.power_levels")!;
    const drifted = [
      ...s.filter((e) => e.type !== "m.room.topic" && e.type !== "m.room.power_levels"),
      {
        ...pl,
        content: {
          ...pl.content,
          users: { ...(pl.content.users as object), "@mallory:a.test": 100 },
        },
      },
      {
        type: "m.room.topic",
        state_key: "",
        sender: "@alice:a.test",
        content: { topic: "Changed" },
      },
      {
        type: "m.room.member",
        state_key: "@mallory:a.test",
        sender: "@alice:a.test",
        content: { membership: "join" },
      },
    ];
    const plan = computePlan(input(views(drifted, s)));
    expect(rows(plan)).toEqual([
      "ministere-a state topic",
      "ministere-a state power levels",
      "ministere-a kick @mallory:a.test",
    ]);
    const detail = pendingActions(plan).map((a) => a.detail);
    expect(detail[0]).toBe('"Changed" → "Cellule de crise"');
    expect(detail[1]).toBe("users: -@mallory:a.test");
  });

  it("never removes other agencies' provisioners, and trusts each agency's own view of its users", () => {
    const s = createdState("!crise:a.test", [
      {
        type: "m.room.member",
        state_key: "@provisioner:x.test",
        sender: "@x",
        content: { membership: "join" },
      },
    ]);
    // Ministry B's homeserver already has Chloé's invite; A has not heard of it yet.
    const lagging = s.filter((e) => e.state_key !== "@chloe:b.test");
    expect(rows(computePlan(input(views(lagging, s))))).toEqual([]);
  });

  it("leaves another agency's part for its own provisioner when only one agency runs", () => {
    const s = createdState("!crise:a.test").filter((e) => e.state_key !== "@chloe:b.test");
    const plan = computePlan(input(views(s), ["ministere-a"]));
    expect(rows(plan)).toEqual([]);
    expect(plan.rooms[0]!.actions.map((a) => `${a.actor} ${a.kind}`)).toEqual([
      "ministere-b invite",
    ]);
  });

  it("ignores rooms without this spec's marker", () => {
    const other = createdState("!crise:a.test").map((e) =>
      e.type === MARKER_EVENT ? { ...e, content: { ...e.content, spec: "another" } } : e,
    );
    const plan = computePlan(input(views(other, other)));
    expect(plan.rooms[0]!.roomId).toBeUndefined();
    expect(rows(plan)[0]).toBe("ministere-a create");
  });

  it("refuses to make a room open to externals restricted again", () => {
    const s = createdState("!crise:a.test").map((e) =>
      e.type === "im.vector.room.access_rules" ? { ...e, content: { rule: "unrestricted" } } : e,
    );
    const plan = computePlan(input(views(s, s)));
    expect(plan.problems).toEqual([
      {
        path: ["rooms", 0, "type"],
        message: expect.stringContaining(
          'has access rule "unrestricted"; only "restricted" may become',
        ),
      },
    ]);
  });

  it("reports a member with no account at the member's place in the spec", () => {
    const plan = computePlan({ ...input(views([])), missingUsers: new Set(["@chloe:b.test"]) });
    expect(plan.problems).toEqual([
      {
        path: ["rooms", 0, "members", 1],
        message: 'unknown member @chloe:b.test: @chloe:b.test has no account on "ministere-b"',
      },
    ]);
  });

  it("names the provisioner first when its display name is unknown or different", () => {
    const s = createdState("!crise:a.test");
    const v = views(s, s);
    v.get("ministere-a")!.displayName = null;
    v.get("ministere-b")!.displayName = "provisioner";
    const plan = computePlan(input(v));
    expect(pendingActions(plan).map((a) => a.detail)).toEqual([
      '@provisioner:a.test → "Provisionnement [Ministère A]"',
      '@provisioner:b.test → "Provisionnement [Ministère B]"',
    ]);
  });

  it("links a room to the spaces that hold it, and unlinks it when a space no longer does", () => {
    const withSpace = parseSpec(
      `version: 1
id: t
defaults: { owner: ministere-a }
rooms:
  - { key: crise, name: Crise, topic: Cellule de crise, members: [{ user: "@alice:a.test", role: admin }, "@chloe:b.test"] }
spaces:
  - { key: pole, name: Pôle, rooms: [crise] }
`,
      "t.yaml",
      env,
    );
    const s = createdState("!crise:a.test");
    const space = createdState("!pole:a.test").map((e) =>
      e.type === MARKER_EVENT ? { ...e, content: { ...e.content, key: "pole" } } : e,
    );
    const v = views(s, s);
    v.get("ministere-a")!.managed.set("!pole:a.test", roomView("!pole:a.test", space));
    const links = (p: ReturnType<typeof computePlan>) =>
      pendingActions(p).filter((a) => a.kind === "state" && a.eventType === "m.space.parent");
    const plan = computePlan({ ...input(v), spec: withSpace });
    expect(links(plan)).toHaveLength(1);
    expect(links(plan)[0]).toMatchObject({
      actor: "ministere-a",
      room: "crise",
      eventType: "m.space.parent",
      stateKey: "!pole:a.test",
      content: { via: ["a.test"], canonical: true },
    });

    // The room already linked, then the space stops listing it: the link is emptied.
    const linked = [
      ...s,
      {
        type: "m.space.parent",
        state_key: "!pole:a.test",
        sender: "@p",
        content: { via: ["a.test"] },
      },
    ];
    const v2 = views(linked, linked);
    v2.get("ministere-a")!.managed.set("!pole:a.test", roomView("!pole:a.test", space));
    const unlisted = {
      ...withSpace,
      rooms: withSpace.rooms.map((r) => (r.kind === "space" ? { ...r, children: [] } : r)),
    };
    const unlink = computePlan({ ...input(v2), spec: unlisted });
    expect(links(unlink)).toMatchObject([{ stateKey: "!pole:a.test", content: {} }]);
  });
});
