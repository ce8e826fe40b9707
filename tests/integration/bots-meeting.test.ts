import type { ICreateRoomOpts } from "matrix-js-sdk";
import { readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { testInstance } from "../../homeserver-config/src/local/instance.ts";
import { stackFilePath } from "../../homeserver-config/src/stack/start-stack.ts";
import { enc } from "../../bots/matrix/matrix-api.ts";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import {
  cryptoClient,
  joinWhenInvited,
  waitForDecrypted,
} from "../../bots/testing/crypto-client.ts";
import { exitOf, spawnTsx, tempDir, uniqueId } from "../../bots/testing/harness.ts";
import { TestClient, type MatrixEvent } from "../support/matrix-test-client.ts";

const stack = inject("stack");
const projectRoot = inject("projectRoot");
const serverA = stack.homeservers.find((h) => h.id === "ministere-a")!.serverName;
const stackBot = `@bot.meeting:${serverA}`;

async function waitForJoin(client: TestClient, roomId: string, userId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const m = await client
      .request<{ membership: string }>(
        `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`,
      )
      .catch(() => ({ membership: "" }));
    if (m.membership === "join") return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${userId} did not join ${roomId}`);
}

/** The key backup version the homeserver holds for a bot (asked with the bot's own token). */
async function botBackupVersion(stateFile: string): Promise<string> {
  const { device } = JSON.parse(await readFile(stateFile, "utf8")) as {
    device: { accessToken: string };
  };
  const hs = stack.homeservers.find((h) => h.id === "ministere-a")!;
  const res = await fetch(`${hs.clientUrl}/_matrix/client/v3/room_keys/version`, {
    headers: { authorization: `Bearer ${device.accessToken}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { version: string }).version;
}

/** A room where people talk to a bot: unencrypted, since the bot reads commands in clear. */
async function roomWithBot(owner: TestClient, bot: string, others: TestClient[] = []) {
  const roomId = await owner.createRoom({
    name: "Parler au bot",
    preset: "private_chat",
    invite: [bot, ...others.map((o) => o.userId)],
  });
  for (const o of others) {
    await o.waitForInvite(roomId);
    await o.join(roomId, [serverA]);
  }
  await waitForJoin(owner, roomId, bot);
  return roomId;
}

const fromBot = (bot: string, text: RegExp) => (e: MatrixEvent) =>
  e.sender === bot && e.type === "m.room.message" && text.test(String(e.content.body));

const roomIdIn = (body: unknown) => /matrix\.to\/#\/(![^?\s]+)/.exec(String(body))?.[1];

describe("meeting bot", () => {
  it("answers !meeting from a user of another agency: private encrypted call-ready room, invitations, link", async () => {
    const alice = await TestClient.demo(stack, "ministere-a", 0);
    const chloe = await TestClient.demo(stack, "ministere-b", 0);
    const roomId = await roomWithBot(alice, stackBot, [chloe]);

    const at = new Date(Date.now() + 3600_000).toISOString().slice(0, 16) + "Z";
    await chloe.send(
      roomId,
      `!meeting Revue budgétaire with alice.martin@ministere-a.gouv.fr at ${at}`,
    );
    const reply = await chloe.waitForEvent(roomId, fromBot(stackBot, /created/), 30_000);
    expect(reply.content.msgtype).toBe("m.notice");
    const meetingId = roomIdIn(reply.content.body);
    expect(meetingId).toBeDefined();
    expect(reply.content.body).toContain(
      `Meeting "Revue budgétaire" created: https://matrix.to/#/${meetingId}`,
    );

    // Both agencies' users are invited; the requester (ministry B) runs the meeting.
    // (Fresh sessions: the earlier ones' syncs have already gone past the invitations.)
    const chloe2 = await TestClient.demo(stack, "ministere-b", 0);
    await chloe2.waitForInvite(meetingId!);
    await chloe2.join(meetingId!, [serverA]);
    const alice2 = await TestClient.demo(stack, "ministere-a", 0);
    await alice2.waitForInvite(meetingId!);
    await alice2.join(meetingId!);
    const state = <T>(type: string) =>
      alice.request<T>(`/_matrix/client/v3/rooms/${enc(meetingId!)}/state/${enc(type)}/`);
    expect(await state<{ name: string }>("m.room.name")).toEqual({ name: "Revue budgétaire" });
    expect(await state("m.room.encryption")).toMatchObject({ algorithm: "m.megolm.v1.aes-sha2" });
    expect(await state("m.room.join_rules")).toEqual({ join_rule: "invite" });
    expect(await state("im.vector.room.access_rules")).toEqual({ rule: "restricted" });
    const pl = await state<{ users: Record<string, number>; events: Record<string, number> }>(
      "m.room.power_levels",
    );
    expect(pl.users[chloe.userId]).toBe(100);
    expect(pl.events["org.matrix.msc3401.call.member"]).toBe(0);
  });

  it("explains itself on !help / !aide and says what is wrong with a malformed command", async () => {
    const alice = await TestClient.demo(stack, "ministere-a", 0);
    const roomId = await roomWithBot(alice, stackBot);

    await alice.send(roomId, "!aide");
    const help = await alice.waitForEvent(roomId, fromBot(stackBot, /!reunion <titre>/), 30_000);
    expect(help.content.body).toContain("avec");

    await alice.send(roomId, "!reunion avec chloe.bernard@ministere-b.gouv.fr");
    await alice.waitForEvent(roomId, fromBot(stackBot, /Il manque le titre de la réunion/), 30_000);

    await alice.send(roomId, "!meeting Sync with bob at tomorrow");
    const bad = await alice.waitForEvent(roomId, fromBot(stackBot, /neither a Matrix ID/), 30_000);
    expect(bad.content.body).toContain(
      '"bob" is neither a Matrix ID (@name:server) nor an e-mail address.',
    );

    await alice.send(roomId, "!meeting Sync at 2020-01-01T10:00Z");
    await alice.waitForEvent(roomId, fromBot(stackBot, /2020-01-01T10:00Z is in the past/), 30_000);

    await alice.send(roomId, "!meeting Sync with personne@ministere-b.gouv.fr");
    await alice.waitForEvent(
      roomId,
      fromBot(
        stackBot,
        /Meeting not created: I cannot find personne@ministere-b\.gouv\.fr \(no account\)/,
      ),
      30_000,
    );
  });

  it("reads and answers commands in an encrypted room, encrypting its reply", async () => {
    const alice = await cryptoClient(stack, "ministere-a", 0);
    try {
      // A Tchap private room: encrypted, as every DM and private room is.
      const { room_id: roomId } = await alice.createRoom(
        createRoomRequest({
          type: "private",
          creatorUserId: alice.getUserId()!,
          name: "Mon bot",
          invite: [stackBot],
        }) as ICreateRoomOpts,
      );
      await waitForDecrypted(
        alice,
        roomId,
        (e) =>
          e.getType() === "m.room.member" &&
          e.getStateKey() === stackBot &&
          e.getContent().membership === "join",
      );
      await alice.sendTextMessage(
        roomId,
        "!meeting Point chiffré with chloe.bernard@ministere-b.gouv.fr",
      );
      const reply = await waitForDecrypted(
        alice,
        roomId,
        (e) => e.getSender() === stackBot && /created/.test(String(e.getContent().body)),
      );
      expect(reply.isEncrypted()).toBe(true);
      expect(reply.getContent().msgtype).toBe("m.notice");
    } finally {
      alice.stopClient();
    }
  });

  it("keeps its device when killed: answers a command sent to its encrypted room while it was down, once", async () => {
    const dir = await tempDir("meeting-bot-device");
    const localpart = uniqueId("bot.meeting-device");
    const bot = `@${localpart}:${serverA}`;
    const stateFile = path.join(dir, "state.json");
    const args = [
      "--stack",
      stackFilePath(testInstance(projectRoot)),
      "--localpart",
      localpart,
      "--state",
      stateFile,
    ];
    const deviceOf = async () =>
      (JSON.parse(await readFile(stateFile, "utf8")) as { device?: { deviceId: string } }).device
        ?.deviceId;
    let log = "";
    const first = spawnTsx(projectRoot, "bots/cli/meeting-bot.ts", args, (c) => (log += c));
    let second: ReturnType<typeof spawnTsx> | undefined;
    const alice = await cryptoClient(stack, "ministere-a", 0);
    try {
      const { room_id: roomId } = await alice.createRoom(
        createRoomRequest({
          type: "private",
          creatorUserId: alice.getUserId()!,
          name: "Le bot redémarre",
          invite: [bot],
        }) as ICreateRoomOpts,
      );
      await waitForDecrypted(
        alice,
        roomId,
        (e) =>
          e.getType() === "m.room.member" &&
          e.getStateKey() === bot &&
          e.getContent().membership === "join",
        60_000,
      );
      const { event_id: before } = await alice.sendTextMessage(roomId, "!aide");
      await waitForDecrypted(
        alice,
        roomId,
        (e) => e.getSender() === bot && e.replyEventId === before,
      );
      const deviceBefore = await deviceOf();
      expect(deviceBefore).toBeDefined();
      // Set up once, from the first start: a server-side key backup, its recovery key kept 0600.
      const recoveryKey = path.join(dir, "state.recovery-key");
      const backupDeadline = Date.now() + 30_000;
      while (!log.includes("key backup set up") && Date.now() < backupDeadline) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect((await stat(recoveryKey)).mode & 0o777).toBe(0o600);
      const backupVersion = await botBackupVersion(stateFile);

      first.kill("SIGKILL");
      await exitOf(first);
      // Encrypted for the devices the bot has now: only a bot that kept its keys can read it.
      const { event_id: whileDown } = await alice.sendTextMessage(roomId, "!help");

      second = spawnTsx(projectRoot, "bots/cli/meeting-bot.ts", args, (c) => (log += c));
      const reply = await waitForDecrypted(
        alice,
        roomId,
        (e) => e.getSender() === bot && e.replyEventId === whileDown,
        90_000,
      );
      expect(reply.isEncrypted()).toBe(true);
      expect(reply.getContent().body).toContain("!meeting <title>");
      expect(await deviceOf()).toBe(deviceBefore);
      expect(await botBackupVersion(stateFile)).toBe(backupVersion);
      const devices = await alice.getCrypto()!.getUserDeviceInfo([bot], true);
      expect([...(devices.get(bot)?.keys() ?? [])]).toEqual([deviceBefore]);

      // Once the bot answers a command sent after its restart, it has gone through everything
      // older: each command then has exactly one answer.
      const { event_id: after } = await alice.sendTextMessage(roomId, "!aide");
      await waitForDecrypted(
        alice,
        roomId,
        (e) => e.getSender() === bot && e.replyEventId === after,
      );
      const answers = new Map<string, number>();
      for (const e of alice.getRoom(roomId)!.getLiveTimeline().getEvents()) {
        if (e.getSender() !== bot || !e.replyEventId) continue;
        answers.set(e.replyEventId, (answers.get(e.replyEventId) ?? 0) + 1);
      }
      expect(Object.fromEntries(answers)).toEqual({ [before]: 1, [whileDown]: 1, [after]: 1 });
    } catch (e) {
      throw new Error(`${(e as Error).message}\nbot log:\n${log}`);
    } finally {
      first.kill("SIGKILL");
      second?.kill("SIGTERM");
      if (second) await exitOf(second);
      alice.stopClient();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("posts a scheduled reminder after being killed and restarted", async () => {
    const dir = await tempDir("meeting-bot");
    const localpart = uniqueId("bot.meeting-restart");
    const bot = `@${localpart}:${serverA}`;
    const stateFile = path.join(dir, "state.json");
    const args = [
      "--stack",
      stackFilePath(testInstance(projectRoot)),
      "--localpart",
      localpart,
      "--state",
      stateFile,
    ];
    let log = "";
    const first = spawnTsx(projectRoot, "bots/cli/meeting-bot.ts", args, (c) => (log += c));
    const alice = await cryptoClient(stack, "ministere-a", 0);
    try {
      const { room_id: roomId } = await alice.createRoom(
        createRoomRequest({
          type: "private",
          creatorUserId: alice.getUserId()!,
          name: "Réunions",
          invite: [bot],
        }) as ICreateRoomOpts,
      );
      await waitForDecrypted(
        alice,
        roomId,
        (e) =>
          e.getType() === "m.room.member" &&
          e.getStateKey() === bot &&
          e.getContent().membership === "join",
        60_000,
      );
      const at = new Date(Date.now() + 25_000);
      await alice.sendTextMessage(
        roomId,
        `!reunion Point d'étape avec david.leroy@ministere-b.gouv.fr à ${at.toISOString()}`,
      );
      const reply = await waitForDecrypted(alice, roomId, (e) =>
        /créée/.test(String(e.getContent().body)),
      );
      const meetingId = roomIdIn(reply.getContent().body)!;
      expect(reply.getContent().body).toMatch(/Rappel dans le salon le /);
      await joinWhenInvited(alice, meetingId);

      first.kill("SIGKILL");
      await exitOf(first);
      const saved = JSON.parse(await readFile(stateFile, "utf8")) as {
        reminders: { roomId: string }[];
      };
      expect(saved.reminders.map((r) => r.roomId)).toEqual([meetingId]);

      const restartedAt = Date.now();
      const second = spawnTsx(projectRoot, "bots/cli/meeting-bot.ts", args, (c) => (log += c));
      try {
        // Sent encrypted by the restarted bot's new device, decrypted by Alice's client.
        const reminder = await waitForDecrypted(
          alice,
          meetingId,
          (e) =>
            e.getSender() === bot &&
            /Rappel : la réunion « Point d'étape » commence maintenant/.test(
              String(e.getContent().body),
            ),
          90_000,
        );
        expect(reminder.isEncrypted()).toBe(true);
        expect(reminder.getTs()).toBeGreaterThanOrEqual(restartedAt);
        expect(reminder.getTs()).toBeGreaterThanOrEqual(at.getTime());
        // The bot notes the reminder as done just after sending it: read the state once it has.
        while (!log.includes("reminder posted")) await new Promise((r) => setTimeout(r, 100));
        const after = JSON.parse(await readFile(stateFile, "utf8")) as { reminders: unknown[] };
        expect(after.reminders).toEqual([]);
      } finally {
        second.kill("SIGTERM");
        await exitOf(second);
      }
    } catch (e) {
      throw new Error(`${(e as Error).message}\nbot log:\n${log}`);
    } finally {
      first.kill("SIGKILL");
      alice.stopClient();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
