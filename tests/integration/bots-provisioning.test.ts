import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { testInstance } from "../../homeserver-config/src/local/instance.ts";
import { stackFilePath } from "../../homeserver-config/src/stack/start-stack.ts";
import { main as provisionCli } from "../../bots/cli/provision.ts";
import { enc } from "../../bots/matrix/matrix-api.ts";
import { discover } from "../../bots/provision/discover.ts";
import { pendingActions } from "../../bots/provision/plan.ts";
import { MARKER_EVENT, markerOf } from "../../bots/provision/room-view.ts";
import {
  applySpecText,
  exitOf,
  planSpecText,
  spawnTsx,
  stackTarget,
  tempDir,
  uniqueId,
  writeSpecFile,
} from "../../bots/testing/harness.ts";
import { TestClient } from "../support/matrix-test-client.ts";

const stack = inject("stack");
const projectRoot = inject("projectRoot");
const stackFile = stackFilePath(testInstance(projectRoot));
const server = (id: string) => stack.homeservers.find((h) => h.id === id)!.serverName;
const ALICE = "alice.martin@ministere-a.gouv.fr";
const BRUNO = "bruno.petit@ministere-a.gouv.fr";
const CHLOE = "chloe.bernard@ministere-b.gouv.fr";
const DAVID = "david.leroy@ministere-b.gouv.fr";

let dir: string;
beforeAll(async () => {
  dir = await tempDir("bots-provisioning");
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  // Specs, audit logs and a token file: nothing of it should outlive the run.
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process; returns its exit code and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
  const code = await provisionCli([...args, "--stack", stackFile, "--no-color"]);
  vi.restoreAllMocks();
  return { code, out: lines.join("\n") };
}

async function roomState<T>(client: TestClient, roomId: string, type: string): Promise<T> {
  return client.request<T>(`/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/`);
}

async function membership(client: TestClient, roomId: string, userId: string): Promise<string> {
  const m = await client
    .request<{ membership: string }>(
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`,
    )
    .catch(() => ({ membership: "(none)" }));
  return m.membership;
}

describe("provisioning rooms across agencies from a spec", () => {
  it("plans (exit 2, table, no writes), applies with >10 members over two agencies, then has nothing to do", async () => {
    const id = uniqueId("big");
    const agents = Array.from({ length: 5 }, (_, i) => [
      `agent${i}.${id}@ministere-a.gouv.fr`,
      `agent${i}.${id}@ministere-b.gouv.fr`,
    ]).flat();
    const specFile = await writeSpecFile(
      dir,
      `${id}.yaml`,
      `version: 1
id: ${id}
defaults: { owner: ministere-a }
accounts:
${agents.map((e, i) => `  - { email: ${e}, displayName: Agent ${i} }`).join("\n")}
rooms:
  - key: grande-salle
    name: Grande salle
    topic: Douze membres, deux ministères
    alias: ${id}-salle
    members:
      - { user: ${ALICE}, role: admin }
      - { user: ${CHLOE}, role: moderator }
${agents.map((e) => `      - ${e}`).join("\n")}
  - key: forum
    name: Forum B
    owner: ministere-b
    type: forum
    alias: ${id}-forum
    callReady: false
    members: [${CHLOE}, ${ALICE}]
`,
    );
    const audit = path.join(dir, `${id}.jsonl`);

    const plan = await cli("plan", "--spec", specFile);
    expect(plan.code).toBe(2);
    expect(plan.out).toMatch(/grande-salle\s*│ ministere-a\s*│ create/);
    expect(plan.out).toMatch(/│ ministere-b\s*│ join/);
    expect(plan.out).toMatch(/10 account/);
    // Planning wrote nothing: the rooms do not exist yet.
    const alice = await TestClient.demo(stack, "ministere-a", 0);
    const alias = `#${id}-salle:${server("ministere-a")}`;
    await expect(
      alice.request(`/_matrix/client/v3/directory/room/${enc(alias)}`),
    ).rejects.toMatchObject({ status: 404 });

    const apply = await cli("apply", "--spec", specFile, "--audit", audit);
    expect(apply.out).toMatch(/The homeservers match the spec/);
    expect(apply.code).toBe(0);

    const { room_id: roomId } = await alice.request<{ room_id: string }>(
      `/_matrix/client/v3/directory/room/${enc(alias)}`,
    );
    // Each agency's users were invited by their own agency's provisioner (B's invitations
    // reach A's homeserver over federation a moment later: wait for them).
    const agentIds = agents.map(
      (e) =>
        `@${e.replace("@", "-")}:${server(e.includes("ministere-a") ? "ministere-a" : "ministere-b")}`,
    );
    const chloe = await TestClient.demo(stack, "ministere-b", 0);
    const provA = (await stackTarget(stack, projectRoot)).agents.get("ministere-a")!.api;
    const expected = [...agentIds, alice.userId, chloe.userId].sort();
    let invited: { state_key: string; sender: string }[] = [];
    for (let i = 0; i < 40; i++) {
      invited = (
        await provA.call<{ chunk: { state_key: string; sender: string }[] }>(
          "GET",
          `/_matrix/client/v3/rooms/${enc(roomId)}/members`,
          { query: { membership: "invite" } },
        )
      ).chunk;
      if (invited.length >= expected.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(invited.map((m) => m.state_key).sort()).toEqual(expected);
    for (const m of invited) {
      expect(m.sender).toBe(`@provisioner:${m.state_key.split(":")[1]}`);
    }
    await chloe.join(roomId, [server("ministere-a")]);
    await alice.join(roomId);
    const inviteOf = async (userId: string) =>
      chloe.request<{ membership: string }>(
        `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`,
      );
    expect((await inviteOf(chloe.userId)).membership).toBe("join");

    const name = await roomState<{ name: string }>(alice, roomId, "m.room.name");
    expect(name.name).toBe("Grande salle");
    const pl = await roomState<{ users: Record<string, number>; events: Record<string, number> }>(
      alice,
      roomId,
      "m.room.power_levels",
    );
    expect(pl.users[alice.userId]).toBe(100);
    expect(pl.users[chloe.userId]).toBe(50);
    expect(pl.events["org.matrix.msc3401.call.member"]).toBe(0);
    const enc_ = await roomState<{ algorithm: string }>(alice, roomId, "m.room.encryption");
    expect(enc_.algorithm).toBe("m.megolm.v1.aes-sha2");

    const lines = (await readFile(audit, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(20);
    expect(lines[0]).toMatchObject({
      time: expect.any(String),
      actor: expect.stringMatching(/^@provisioner:/),
      spec: id,
      action: expect.any(String),
      result: "ok",
    });
    expect(JSON.stringify(lines)).not.toContain(stack.homeservers[0]!.appservice.asToken);

    // The forum is not call-ready: only moderators may start a call there.
    const { room_id: forumId } = await chloe.request<{ room_id: string }>(
      `/_matrix/client/v3/directory/room/${enc(`#${id}-forum:${server("ministere-b")}`)}`,
    );
    await chloe.join(forumId);
    const forumPl = await roomState<{ events: Record<string, number> }>(
      chloe,
      forumId,
      "m.room.power_levels",
    );
    expect(forumPl.events["org.matrix.msc3401.call.member"]).toBe(50);

    expect((await cli("plan", "--spec", specFile)).code).toBe(0);
    const again = await applySpecText(stack, projectRoot, await readFile(specFile, "utf8"));
    expect(again.stats.writes).toBe(0);
    expect(again.audit.entries).toEqual([]);
  });

  it("works with each agency running alone, with only its own token", async () => {
    const id = uniqueId("split");
    const spec = `version: 1
id: ${id}
rooms:
  - key: projet
    name: Projet commun
    owner: ministere-a
    members: [${ALICE}, ${CHLOE}, ${DAVID}]
`;
    // Ministry A's provisioner alone: creates the room, invites its own user and B's
    // provisioner; B's users wait for B's provisioner.
    const a = await applySpecText(stack, projectRoot, spec, { only: ["ministere-a"] });
    const roomId = a.report.created.get("projet")!;
    expect(a.report.remaining).toEqual([]);
    expect(a.report.deferred.map((x) => `${x.actor} ${x.kind}`)).toEqual([
      "ministere-b join",
      "ministere-b invite",
      "ministere-b invite",
    ]);
    const chloe = await TestClient.demo(stack, "ministere-b", 0);
    await expect(chloe.join(roomId, [server("ministere-a")])).rejects.toMatchObject({
      status: 403,
    });

    // Ministry B's provisioner alone finds the invitation (the marker rides in it), joins,
    // and invites its own users on its own homeserver.
    const b = await applySpecText(stack, projectRoot, spec, { only: ["ministere-b"] });
    expect(b.report.remaining).toEqual([]);
    expect(b.audit.entries.map((e) => `${e.actor} ${e.action}`).sort()).toEqual([
      `@provisioner:${server("ministere-b")} invite`,
      `@provisioner:${server("ministere-b")} invite`,
      `@provisioner:${server("ministere-b")} join`,
    ]);
    await chloe.join(roomId, [server("ministere-a")]);
    const { plan } = await planSpecText(stack, projectRoot, spec);
    expect(pendingActions(plan)).toEqual([]);
  });

  it("runs as a production provisioner from its config: one agency, token from a file, never printed", async () => {
    const id = uniqueId("config");
    const hsB = stack.homeservers.find((h) => h.id === "ministere-b")!;
    const tokenFile = path.join(dir, `${id}.token`);
    await writeFile(tokenFile, `${hsB.appservice.asToken}\n`, { mode: 0o600 });
    const config = await writeSpecFile(
      dir,
      `${id}-provisioner.yaml`,
      `federation: ${path.join(projectRoot, "homeserver-config/federation.yaml")}
homeserver: ministere-b
clientUrl: ${hsB.clientUrl}
asTokenFile: ${tokenFile}
auditLog: ${id}-audit.jsonl
serverNames: ${JSON.stringify(Object.fromEntries(stack.homeservers.map((h) => [h.id, h.serverName])))}
`,
    );
    const spec = `version: 1
id: ${id}
rooms:
  - { key: r, name: R, owner: ministere-a, members: [${ALICE}, ${DAVID}] }
`;
    const specFile = await writeSpecFile(dir, `${id}.yaml`, spec);
    const run = (cmd: string) => cli(cmd, "--spec", specFile, "--config", config);
    // Before ministry A has run, B has nothing it can do: it says what waits for whom.
    const early = await run("plan");
    expect(early.code).toBe(0);
    expect(early.out).toMatch(/waits for ministere-a's provisioner/);

    await applySpecText(stack, projectRoot, spec, { only: ["ministere-a"] });
    const plan = await run("plan");
    expect(plan.code).toBe(2);
    expect(plan.out).toMatch(/2 change\(s\) to make: 1 join, 1 invite/);
    const apply = await run("apply");
    expect(apply.code).toBe(0);
    for (const out of [early.out, plan.out, apply.out]) {
      expect(out).not.toContain(hsB.appservice.asToken);
    }
    const audit = (await readFile(path.join(dir, `${id}-audit.jsonl`), "utf8")).trim().split("\n");
    expect(audit.map((l) => JSON.parse(l).action).sort()).toEqual(["invite", "join"]);
  });

  it("has the demo rooms of npm start: rooms of both ministries gathered in a space", async () => {
    const target = await stackTarget(stack, projectRoot);
    const view = await discover(target.agents.get("ministere-a")!.api, "ministere-a");
    const demo = [...view.managed.values()].filter((r) => markerOf(r)?.spec === "demo");
    const space = demo.find((r) => markerOf(r)?.key === "coordination")!;
    expect(space.state.get("m.room.create\u0000")?.content.type).toBe("m.space");
    const children = [...space.state.values()].filter(
      (e) => e.type === "m.space.child" && Array.isArray(e.content.via),
    );
    expect(children).toHaveLength(2);
    // Each room names its space back (m.space.parent), set by the room's own provisioner.
    const viewB = await discover(target.agents.get("ministere-b")!.api, "ministere-b");
    const spaceId = [...view.managed].find(([, r]) => r === space)![0];
    for (const child of children) {
      const room = view.managed.get(child.state_key) ?? viewB.managed.get(child.state_key);
      expect(room?.state.get(`m.space.parent\u0000${spaceId}`)?.content).toMatchObject({
        via: [server("ministere-a")],
        canonical: true,
      });
    }
    // Invitations come from a named provisioner, not a bare "@provisioner:…".
    const provisioner = space.state.get(`m.room.member\u0000@provisioner:${server("ministere-a")}`);
    expect(provisioner?.content.displayname).toBe("Provisionnement [Ministère A]");
    const { plan } = await planSpecText(
      stack,
      projectRoot,
      await readFile(path.join(projectRoot, "bots/specs/demo.yaml"), "utf8"),
    );
    expect(pendingActions(plan)).toEqual([]);
  });

  it("shows drift in plan and corrects it: topic, power levels, an unlisted member", async () => {
    const id = uniqueId("drift");
    const spec = `version: 1
id: ${id}
rooms:
  - key: cellule
    name: Cellule
    topic: Le sujet prévu
    owner: ministere-a
    members:
      - { user: ${ALICE}, role: admin }
      - ${CHLOE}
`;
    const first = await applySpecText(stack, projectRoot, spec);
    const roomId = first.report.created.get("cellule")!;
    const alice = await TestClient.demo(stack, "ministere-a", 0);
    await alice.join(roomId);

    // Alice, admin of the room, changes it by hand and lets in someone the spec does not list.
    await alice.request(`/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.topic/`, {
      method: "PUT",
      body: { topic: "Changé à la main" },
    });
    const pl = await roomState<Record<string, unknown>>(alice, roomId, "m.room.power_levels");
    const david = await TestClient.demo(stack, "ministere-b", 1);
    await alice.request(`/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.power_levels/`, {
      method: "PUT",
      body: { ...pl, users: { ...(pl.users as object), [david.userId]: 50 } },
    });
    await alice.invite(roomId, david.userId);
    await david.waitForInvite(roomId);
    await david.join(roomId);

    const { plan } = await planSpecText(stack, projectRoot, spec);
    const changes = pendingActions(plan).map((a) => `${a.kind}:${a.detail}`);
    expect(changes).toEqual([
      `state:"Changé à la main" → "Le sujet prévu"`,
      `state:users: -${david.userId}`,
      `kick:${david.userId} (joined, not in the spec)`,
    ]);

    const fix = await applySpecText(stack, projectRoot, spec);
    expect(fix.report.remaining).toEqual([]);
    const topic = await roomState<{ topic: string }>(alice, roomId, "m.room.topic");
    expect(topic.topic).toBe("Le sujet prévu");
    const after = await roomState<{ users: Record<string, number> }>(
      alice,
      roomId,
      "m.room.power_levels",
    );
    expect(after.users[david.userId]).toBeUndefined();
    expect(await membership(alice, roomId, david.userId)).toBe("leave");
  });

  it("never touches rooms the spec does not manage", async () => {
    const id = uniqueId("unmanaged");
    const target = await stackTarget(stack, projectRoot);
    const provA = target.agents.get("ministere-a")!.api;
    const alice = await TestClient.demo(stack, "ministere-a", 0);
    const bruno = await TestClient.demo(stack, "ministere-a", 1);
    // A room the provisioner made by hand (no marker), one managed by another spec, and a
    // person's room with the same name as a room of the spec.
    const byHand = await provA.call<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", {
      body: { name: "Salle", topic: "à la main", preset: "private_chat", invite: [bruno.userId] },
    });
    const otherSpec = await provA.call<{ room_id: string }>(
      "POST",
      "/_matrix/client/v3/createRoom",
      {
        body: {
          name: "Salle",
          topic: "autre spec",
          preset: "private_chat",
          invite: [bruno.userId],
          initial_state: [
            {
              type: MARKER_EVENT,
              state_key: "",
              content: { spec: "other", key: "salle", owner: "ministere-a" },
            },
          ],
        },
      },
    );
    const alicesRoom = await alice.createRoom({ name: "Salle", preset: "private_chat" });
    const snapshot = async (roomId: string) =>
      JSON.stringify(
        (
          await provA
            .call<{ type: string; state_key: string; event_id: string }[]>(
              "GET",
              `/_matrix/client/v3/rooms/${enc(roomId)}/state`,
            )
            .catch(() => [])
        ).map((e) => [e.type, e.state_key, e.event_id]),
      );
    const before = [await snapshot(byHand.room_id), await snapshot(otherSpec.room_id)];
    const eventIds = async (roomId: string) =>
      (
        await alice.request<{ event_id: string }[]>(`/_matrix/client/v3/rooms/${enc(roomId)}/state`)
      ).map((e) => e.event_id);
    const aliceBefore = await eventIds(alicesRoom);

    const res = await applySpecText(
      stack,
      projectRoot,
      `version: 1
id: ${id}
rooms:
  - { key: salle, name: Salle, topic: La salle, owner: ministere-a, members: [${ALICE}] }
`,
    );
    expect(res.report.created.get("salle")).toMatch(/^!/);
    expect(new Set(res.audit.entries.map((e) => e.roomId))).toEqual(
      new Set([res.report.created.get("salle")]),
    );
    expect([await snapshot(byHand.room_id), await snapshot(otherSpec.room_id)]).toEqual(before);
    expect(await eventIds(alicesRoom)).toEqual(aliceBefore);
  });

  it("converges with no duplicate after being killed in the middle of an apply", async () => {
    const id = uniqueId("kill");
    const keys = Array.from({ length: 8 }, (_, i) => `salle-${i}`);
    const specText = `version: 1
id: ${id}
defaults: { owner: ministere-a }
rooms:
${keys
  .map(
    (k, i) => `  - key: ${k}
    name: Salle ${i}
    owner: ${i % 2 ? "ministere-b" : "ministere-a"}
    members: [${ALICE}, ${BRUNO}, ${CHLOE}, ${DAVID}]`,
  )
  .join("\n")}
`;
    const specFile = await writeSpecFile(dir, `${id}.yaml`, specText);
    const audit = path.join(dir, `${id}.jsonl`);
    const child = spawnTsx(projectRoot, "bots/cli/provision.ts", [
      "apply",
      "--spec",
      specFile,
      "--stack",
      stackFile,
      "--audit",
      audit,
      "--concurrency",
      "2",
    ]);
    // Kill it once some rooms exist and others do not.
    const deadline = Date.now() + 90_000;
    let created = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      const text = await readFile(audit, "utf8").catch(() => "");
      created = text.split("\n").filter((l) => l.includes('"action":"create"')).length;
      if (created >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    await exitOf(child);
    expect(created).toBeGreaterThanOrEqual(2);
    expect(created).toBeLessThan(keys.length);

    const res = await applySpecText(stack, projectRoot, specText);
    expect(res.report.remaining).toEqual([]);
    // Exactly one room per key, on its owner's homeserver, whatever the kill interrupted.
    const target = await stackTarget(stack, projectRoot);
    const counts = new Map<string, number>();
    for (const hs of ["ministere-a", "ministere-b"]) {
      const view = await discover(target.agents.get(hs)!.api, hs);
      for (const room of view.managed.values()) {
        const m = markerOf(room);
        if (m?.spec === id && m.owner === hs) counts.set(m.key, (counts.get(m.key) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(keys.map((k) => [k, 1])));
    const { plan } = await planSpecText(stack, projectRoot, specText);
    expect(pendingActions(plan)).toEqual([]);
  });

  it("refuses bad specs with file, line, key path and reason, before any write", async () => {
    const id = uniqueId("bad");
    const external = await writeSpecFile(
      dir,
      `${id}-ext.yaml`,
      `version: 1
id: ${id}
rooms:
  - key: r
    name: R
    owner: ministere-a
    members:
      - emma.garnier@prestataire.example
`,
    );
    let out = "";
    const child = spawnTsx(
      projectRoot,
      "bots/cli/provision.ts",
      ["plan", "--spec", external, "--stack", stackFile],
      (c) => (out += c),
    );
    expect(await exitOf(child)).toBe(1);
    expect(out).toContain(
      `${external}:8:9: rooms.0.members.0: external user emma.garnier@prestataire.example ` +
        `(served by "externe") cannot be in a restricted room (type "private"); use type "private_external"`,
    );

    const nobody = await writeSpecFile(
      dir,
      `${id}-nobody.yaml`,
      `version: 1
id: ${id}
rooms:
  - key: r
    name: R
    owner: ministere-a
    members:
      - ${ALICE}
      - personne.inconnue@ministere-b.gouv.fr
`,
    );
    const plan = await cli("plan", "--spec", nobody);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain(
      `${nobody}:9:9: rooms.0.members.1: unknown member personne.inconnue@ministere-b.gouv.fr: ` +
        `@personne.inconnue-ministere-b.gouv.fr:${server("ministere-b")} has no account on "ministere-b"`,
    );
    await expect(cli("apply", "--spec", nobody)).rejects.toMatchObject({ code: "PLAN_PROBLEMS" });
  });
});
