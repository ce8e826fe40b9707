import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  EventTimeline,
  EventType,
  HistoryVisibility,
  Method,
  MsgType,
  type MatrixClient,
  type MatrixEvent,
} from "matrix-js-sdk";
import { decodeRecoveryKey } from "matrix-js-sdk/lib/crypto-api/index.js";
import loglevel from "loglevel";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { UndecryptableRetrier } from "../../web/src/encryption/undecryptable-retry.ts";
import { directoryService } from "../../homeserver-config/src/directory/directory-service.ts";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import type { LocalInstance } from "../../homeserver-config/src/local/instance.ts";
import { POLICY_MODULE_DIR } from "../../homeserver-config/src/render/policy-module.ts";
import { localFiles } from "../../homeserver-config/src/render/synapse-local.ts";
import {
  startLocalStack,
  type RunningStack,
} from "../../homeserver-config/src/stack/start-stack.ts";
import type {
  StackAccount,
  StackDescription,
} from "../../homeserver-config/src/stack/stack-description.ts";
import { defaultLauncher } from "../../homeserver-config/src/synapse/launcher.ts";
import { SynapseProcess } from "../../homeserver-config/src/synapse/process.ts";
import { webService } from "../../web/server/web-service.ts";
import { accountCryptoClient, waitForDecrypted } from "../../bots/testing/crypto-client.ts";
import {
  acceptInvite,
  account,
  createRoom,
  inviteByEmail,
  loginAndWait,
  message,
  openClient,
  openRoom,
  recoveryKeyOf,
  send,
  type WebUser,
} from "./support/web-client.ts";

/**
 * A soak across two agencies: three people with two devices each — one of them a browser added
 * mid-way that unlocks history with the recovery key, one person invited late to a room with
 * shared history (MSC4268 key bundle) — 300 encrypted messages in three rooms, some typed while
 * ministere-b's homeserver restarts. At the end every device holds every message it should, and
 * none is undecryptable: counted in the DOM on browsers, from the SDK on Node devices.
 *
 * Its own stack (like web-outage), so one homeserver can be stopped and started again.
 */
const projectRoot = inject("projectRoot");
const slot = Number(process.env.TCHAP_TEST_SLOT ?? 0);
const instance: LocalInstance = {
  name: `web-soak-${slot}`,
  dataDir: path.join(projectRoot, ".local", `web-soak-${slot}`),
  loopbackPrefix: `127.1.${60 + slot}`,
  portBase: 25008 + slot * 100,
};
const ROOMS = ["R1", "R2", "R3"] as const;
type RoomKey = (typeof ROOMS)[number];
const roomName: Record<RoomKey, string> = {
  R1: "Soak — Coordination",
  R2: "Soak — Logistique",
  R3: "Soak — Historique partagé",
};
/** Every message's text carries its room and number: the DOM and SDK counts parse it back. */
const MESSAGE = /Soak (R[123]) n°(\d+)/;

let running: RunningStack | undefined;
let restarted: SynapseProcess | undefined;
const browsers: WebUser[] = [];
const nodes: NodeDevice[] = [];
const roomIds = {} as Record<RoomKey, string>;
/** Numbers sent so far in each room (all devices). */
const sent: Record<RoomKey, number> = { R1: 0, R2: 0, R3: 0 };
/** Browser console lines about key bundles, to explain a failure of the late joiner's history. */
const bundleLog: string[] = [];
const figures: Record<string, string | number> = {};
const t0 = Date.now();

let alice: WebUser; // ministere-a, browser (first device)
let bruno: WebUser; // ministere-a, browser (first device)
let brunoLaptop: WebUser; // ministere-a, browser added mid-way (recovery key)
let chloe: WebUser; // ministere-b, browser (first device); late joiner of R3
let aliceNode: NodeDevice; // ministere-a, Node Rust-crypto device
let chloeNode: NodeDevice; // ministere-b, Node Rust-crypto device

async function startStack(): Promise<RunningStack> {
  const full = await loadFederation(path.join(projectRoot, "homeserver-config/federation.yaml"));
  const agencyDomains = ["ministere-a.gouv.fr", "ministere-b.gouv.fr"];
  return startLocalStack({
    federation: {
      ...full,
      homeservers: full.homeservers.filter((h) => !h.external),
      demoAccounts: full.demoAccounts.filter((a) =>
        agencyDomains.some((d) => a.email.endsWith(`@${d}`)),
      ),
    },
    instance,
    fresh: true,
    projectRoot,
    services: [directoryService(), webService()],
    log: (line) => console.log(`[soak stack] ${line}`),
  });
}

/** The Synapse process of this test's stack that reads `configFile`. */
async function synapsePid(configFile: string): Promise<number> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const args = cmd.split("\0");
    if (args.includes("synapse.app.homeserver") && args.includes(configFile)) return Number(entry);
  }
  throw new Error(`no running Synapse reads ${configFile}`);
}

async function answers(clientUrl: string): Promise<boolean> {
  return fetch(`${clientUrl}/_matrix/client/versions`).then(
    (r) => r.ok,
    () => false,
  );
}

/** Starts one homeserver of the stack again on its data, as the stack started it. */
async function startHomeserver(stack: StackDescription, id: string): Promise<SynapseProcess> {
  const hs = stack.homeservers.find((h) => h.id === id)!;
  const files = localFiles(hs.dir);
  return SynapseProcess.start(await defaultLauncher(), {
    configFiles: [files.config],
    dataDir: instance.dataDir,
    hostsFile: path.join(instance.dataDir, "hosts"),
    pythonPath: [path.join(projectRoot, POLICY_MODULE_DIR)],
    serverName: hs.serverName,
    clientUrl: hs.clientUrl,
    consoleLog: path.join(hs.dir, "console.log"),
    logFile: files.log,
  });
}

// ----- Node devices -----

// Some SDK modules log through the global logger ("matrix") whatever the client's: hundreds of
// lines per run, among them each transient decryption failure of history not yet fetched.
loglevel.getLogger("matrix").setLevel("error");

interface NodeDevice {
  label: string;
  client: MatrixClient;
  retrier: UndecryptableRetrier;
}

/**
 * A second device of a person, as a phone would be after « Vérifier avec la clé de
 * récupération »: cross-signed from secret storage and backing up its keys. Unsigned, it would
 * make the person's browser refuse to send (the SDK's default isolation mode rejects unverified
 * devices of a verified user, here the person themself).
 */
async function nodeDevice(
  stack: StackDescription,
  acc: StackAccount,
  recoveryKey: string,
  label: string,
): Promise<NodeDevice> {
  const key = decodeRecoveryKey(recoveryKey);
  const client = await accountCryptoClient(stack, acc, `soak ${label}`, {
    getSecretStorageKey: async ({ keys }) => {
      const keyId = Object.keys(keys)[0];
      return keyId ? [keyId, key] : null;
    },
  });
  const login = { user_id: client.getSafeUserId(), device_id: client.getDeviceId()! };
  const crypto = client.getCrypto()!;
  // The identity exists (the browser made it): this reads its keys from secret storage and
  // signs this device with them — once the public identity is known here, or the import fails.
  if (!(await crypto.userHasCrossSigningKeys(login.user_id, true)))
    throw new Error(`${acc.userId} has no cross-signing identity`);
  await crypto.bootstrapCrossSigning({});
  await crypto.loadSessionBackupPrivateKeyFromSecretStorage();
  await crypto.checkKeyBackupAndEnable();
  // The signature is on the server now; this device sees it on its next query of its own keys.
  await crypto.userHasCrossSigningKeys(login.user_id, true);
  const status = await crypto.getDeviceVerificationStatus(login.user_id, login.device_id);
  if (!status?.crossSigningVerified) throw new Error(`${label} is not cross-signed`);
  // Named in the figures, so that an undecryptable event's sender device can be told apart.
  figures[`device ${label}`] = login.device_id;
  // The web client's own policy for keys that come late (backup uploads lag by 0–10 s).
  return { label, client, retrier: new UndecryptableRetrier(client) };
}

async function nodeSend(d: NodeDevice, room: RoomKey, count: number): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = `Soak ${room} n°${++sent[room]} (${d.label})`;
    texts.push(text);
    await d.client.sendMessage(roomIds[room], { msgtype: MsgType.Text, body: text });
  }
  return texts;
}

/** The whole room, back to its creation, in the device's live timeline. */
async function loadAll(d: NodeDevice, roomId: string): Promise<MatrixEvent[]> {
  const room = d.client.getRoom(roomId);
  if (!room) throw new Error(`${d.label} does not know ${roomId}`);
  const live = room.getLiveTimeline();
  while (live.getPaginationToken(EventTimeline.BACKWARDS) !== null) {
    await d.client.paginateEventTimeline(live, { backwards: true, limit: 100 });
  }
  const events = live.getEvents();
  await Promise.all(events.map((e) => d.client.decryptEventIfNeeded(e)));
  return events;
}

/** Megolm session ids of `roomId` in the person's server-side key backup. */
async function backedUpSessions(d: NodeDevice, roomId: string): Promise<string[]> {
  const version = (await d.client.getCrypto()!.getKeyBackupInfo())?.version;
  if (!version) return [];
  const res = await d.client.http.authedRequest<{ sessions?: Record<string, unknown> }>(
    Method.Get,
    `/room_keys/keys/${encodeURIComponent(roomId)}`,
    { version },
  );
  return Object.keys(res.sessions ?? {});
}

interface Count {
  messages: number;
  distinct: number;
  utd: number;
  /** Rows still sending or failed (browsers only). */
  unsent: number;
  first: boolean;
  /** Missing numbers and undecryptable events (sender, reason), to say what went wrong. */
  problems: string[];
}

function missing(room: RoomKey, numbers: number[]): string[] {
  const have = new Set(numbers);
  const out: string[] = [];
  for (let n = 1; n <= sent[room]; n++) if (!have.has(n)) out.push(`${room} n°${n} missing`);
  return out;
}

async function sdkCount(d: NodeDevice, room: RoomKey): Promise<Count> {
  const events = await loadAll(d, roomIds[room]);
  const numbers = events
    .map((e) => MESSAGE.exec(String(e.getContent().body ?? "")))
    .filter((m): m is RegExpExecArray => m?.[1] === room)
    .map((m) => Number(m[2]));
  const utd = events.filter((e) => e.isEncrypted() && e.isDecryptionFailure());
  return {
    messages: numbers.length,
    distinct: new Set(numbers).size,
    utd: utd.length,
    unsent: 0,
    first: numbers.includes(1),
    problems: [
      ...missing(room, numbers),
      ...utd.map(
        (e) =>
          `${room} UTD ${e.getId()} from ${e.getSender()}/${e.getWireContent().device_id} ` +
          `${e.decryptionFailureReason} session ${e.getWireContent().session_id}`,
      ),
    ],
  };
}

// ----- browsers -----

/** Types `count` messages in the open room, then waits until each is sent. */
async function browserSend(u: WebUser, room: RoomKey, count: number, label: string) {
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = `Soak ${room} n°${++sent[room]} (${label})`;
    texts.push(text);
    await send(u.page, text);
  }
  return texts;
}

async function waitSent(u: WebUser, texts: string[], timeout = 60_000): Promise<void> {
  for (const text of texts) {
    await u.page
      .locator("li.message.mine[data-status=sent]", { hasText: `${text}` })
      .waitFor({ timeout });
  }
}

/** Opens the room and loads older messages until its first one is on screen. */
async function domCount(u: WebUser, room: RoomKey): Promise<Count> {
  const p = u.page;
  await openRoom(p, roomName[room]);
  const older = p.getByRole("button", { name: "Afficher les messages précédents" });
  const loading = p.getByRole("button", { name: "Chargement…" });
  while ((await older.count()) > 0 || (await loading.count()) > 0) {
    if (await older.count()) await older.click().catch(() => undefined);
    await loading.waitFor({ state: "detached" });
  }
  const { numbers, utdRows, unsent } = await p.evaluate(
    ({ source, room }) => {
      const re = new RegExp(source);
      return {
        numbers: [...document.querySelectorAll("li.message")]
          .map((li) => re.exec(li.textContent ?? ""))
          .filter((m): m is RegExpExecArray => m?.[1] === room)
          .map((m) => Number(m[2])),
        utdRows: [...document.querySelectorAll("[data-utd]")].map((el) => {
          const li = el.closest("li");
          const sender = li?.querySelector(".sender")?.textContent;
          return `${room} UTD ${li?.dataset.eventId} from ${sender} ${el.getAttribute("data-utd-reason")}`;
        }),
        unsent: document.querySelectorAll("li.message:not([data-status=sent])").length,
      };
    },
    { source: MESSAGE.source, room },
  );
  return {
    messages: numbers.length,
    distinct: new Set(numbers).size,
    utd: utdRows.length,
    unsent,
    first: numbers.includes(1),
    problems: [...missing(room, numbers), ...utdRows],
  };
}

function watchBundleLogs(u: WebUser, label: string): void {
  u.page.on("console", (m) => {
    if (/bundle|shareRoomHistory|message history/i.test(m.text()))
      bundleLog.push(`${label}: ${m.text().slice(0, 300)}`);
  });
}

/** Invites `who` to the open room from `by`'s web client, as a user does (by e-mail). */
async function invite(by: WebUser, who: WebUser): Promise<void> {
  // The directory shows the name without the agency suffix the display name carries.
  const name = who.account.displayName.replace(/ \[.*\]$/, "");
  await inviteByEmail(by.page, who.account.email, name);
}

/** Shown on `u` with the text, decrypted (the row says who sent what). */
async function shown(u: WebUser, text: string, timeout = 60_000): Promise<void> {
  await message(u.page, text).waitFor({ timeout });
}

// Out of `npm test` until its intermittent failure is fixed (run it with TCHAP_SOAK=1): in one
// clean-clone run of 4 since the last fix, the late joiner's browser listed only 56 of 300
// messages (none undecryptable) — messages missing from view, not keys (see issue 14).
describe.skipIf(process.env.TCHAP_SOAK !== "1")(
  "encryption soak: 3 people × 2 devices, 300 messages, a homeserver restart",
  () => {
    beforeAll(async () => {
      running = await startStack();
      const stack = running.description;
      figures["stack start (s)"] = ((Date.now() - t0) / 1000).toFixed(1);
      const [a, b, c] = [
        account(stack, "ministere-a", 0),
        account(stack, "ministere-a", 1),
        account(stack, "ministere-b", 0),
      ];
      [alice, bruno, chloe] = await Promise.all([
        openClient(stack, a),
        openClient(stack, b),
        openClient(stack, c),
      ]);
      browsers.push(alice, bruno, chloe);
      watchBundleLogs(alice, "alice");
      watchBundleLogs(chloe, "chloe");
      // First logins: each creates the person's identity, backup and recovery key.
      for (const u of [alice, bruno, chloe]) expect(await loginAndWait(u)).toBe("created");
      aliceNode = await nodeDevice(stack, a, recoveryKeyOf(alice)!, "alice-node");
      chloeNode = await nodeDevice(stack, c, recoveryKeyOf(chloe)!, "chloe-node");
      nodes.push(aliceNode, chloeNode);
    }, 300_000);

    afterAll(async () => {
      console.log("[soak] figures", figures);
      if (bundleLog.length) console.log("[soak] key bundle log:\n" + bundleLog.join("\n"));
      for (const u of browsers) {
        if (u.errors.length) console.log(`${u.account.userId} errors:`, u.errors.slice(0, 10));
        await u.close();
      }
      for (const d of nodes) {
        d.retrier.dispose();
        d.client.stopClient();
      }
      await restarted?.stop();
      await running?.stop();
    });

    const timed = async <T>(label: string, p: Promise<T>): Promise<T> => {
      const t = Date.now();
      const r = await p;
      figures[`${label} (s)`] = ((Date.now() - t) / 1000).toFixed(1);
      return r;
    };

    it("300 messages reach every device, decrypted, across a restart, a new device and a late join", async () => {
      const start = Date.now();
      const stack = running!.description;

      // Three rooms: R1 and R2 private (history from invitation), R3 with shared history.
      await createRoom(alice.page, roomName.R1, "Salon privé");
      await invite(alice, bruno);
      await invite(alice, chloe);
      await createRoom(chloe.page, roomName.R2, "Salon privé");
      await invite(chloe, alice);
      await invite(chloe, bruno);
      await acceptInvite(bruno.page, roomName.R1);
      await acceptInvite(bruno.page, roomName.R2);
      await acceptInvite(chloe.page, roomName.R1);
      await acceptInvite(alice.page, roomName.R2);
      await createRoom(alice.page, roomName.R3, "Salon privé");
      const byName = (d: NodeDevice, name: string) =>
        d.client.getRooms().find((r) => r.name === name && r.getMyMembership() === "join");
      await expect
        .poll(() => ROOMS.every((k) => k === "R3" || byName(chloeNode, roomName[k])))
        .toBe(true);
      await expect.poll(() => ROOMS.every((k) => byName(aliceNode, roomName[k]))).toBe(true);
      for (const k of ROOMS) roomIds[k] = byName(aliceNode, roomName[k])!.roomId;
      // The web client's private rooms use `invited`; MSC4268 shares history only when it is
      // `shared`, and only keys made while it was (they carry `shared_history`): set it first.
      await aliceNode.client.sendStateEvent(roomIds.R3, EventType.RoomHistoryVisibility, {
        history_visibility: HistoryVisibility.Shared,
      });
      await invite(alice, bruno);
      await acceptInvite(bruno.page, roomName.R3);
      figures["rooms ready (s)"] = ((Date.now() - start) / 1000).toFixed(1);

      // Phase 1: 100 messages in R3 before the late joiner, 30 in R1 and R2 each.
      // The browsers write only after the Node device's first R3 message: by then they have seen
      // the history visibility change that precedes it, so their keys are shared-history keys.
      await nodeSend(aliceNode, "R3", 1);
      const firstR3 = `Soak R3 n°1 (alice-node)`;
      await openRoom(alice.page, roomName.R3);
      await openRoom(bruno.page, roomName.R3);
      await openRoom(chloe.page, roomName.R2);
      await Promise.all([shown(alice, firstR3), shown(bruno, firstR3)]);
      const phase1 = await Promise.all([
        timed("p1 alice-node R3", nodeSend(aliceNode, "R3", 79)),
        timed(
          "p1 chloe-node",
          nodeSend(chloeNode, "R1", 15).then(() => nodeSend(chloeNode, "R2", 20)),
        ),
        timed("p1 alice typed", browserSend(alice, "R3", 10, "alice")),
        timed("p1 bruno typed", browserSend(bruno, "R3", 10, "bruno")),
        timed("p1 chloe typed", browserSend(chloe, "R2", 10, "chloe")),
        timed("p1 alice-node R1", nodeSend(aliceNode, "R1", 15)),
      ]);
      await Promise.all([
        waitSent(alice, phase1[2]),
        waitSent(bruno, phase1[3]),
        waitSent(chloe, phase1[4]),
      ]);
      expect(sent.R3).toBe(100);
      figures["phase 1 sent (s)"] = ((Date.now() - start) / 1000).toFixed(1);

      // Mid-way: Bruno's second browser, which unlocks the history with his recovery key.
      brunoLaptop = await openClient(stack, bruno.account);
      browsers.push(brunoLaptop);
      expect(await loginAndWait(brunoLaptop, { unlock: "recovery-key" })).toBe("unlocked");
      figures["mid-way device unlocked (s)"] = ((Date.now() - start) / 1000).toFixed(1);

      // Late joiner: Alice invites Chloé to R3 from the web client (the key bundle goes with the
      // invitation) once her own browser holds the keys of every R3 message so far.
      await Promise.all([phase1[0].at(-1)!, phase1[3].at(-1)!].map((t) => shown(alice, t)));
      await invite(alice, chloe);
      await acceptInvite(chloe.page, roomName.R3);
      const joinedAt = Date.now();
      figures["late joiner in (s)"] = ((joinedAt - start) / 1000).toFixed(1);

      // Phase 2: ministere-b stops and starts again (its Synapse takes ~20 s to come back, the
      // outage). Chloé types in R2 meanwhile; ministere-a's devices keep writing in every room.
      const hsB = stack.homeservers.find((h) => h.id === "ministere-b")!;
      await openRoom(chloe.page, roomName.R2);
      await openRoom(alice.page, roomName.R2);
      await openRoom(bruno.page, roomName.R1);
      process.kill(await synapsePid(localFiles(hsB.dir).config), "SIGTERM");
      await expect.poll(() => answers(hsB.clientUrl), { timeout: 30_000 }).toBe(false);
      const downAt = Date.now();
      const duringOutage = await browserSend(chloe, "R2", 3, "chloe, coupure");
      const sideA = Promise.all([
        nodeSend(aliceNode, "R1", 10).then(() => nodeSend(aliceNode, "R2", 10)),
        nodeSend(aliceNode, "R3", 5),
        browserSend(bruno, "R1", 4, "bruno").then(async (t) => (await waitSent(bruno, t), t)),
      ]);
      restarted = await startHomeserver(stack, "ministere-b");
      const upAt = Date.now();
      figures["ministere-b down (s)"] = ((upAt - downAt) / 1000).toFixed(1);
      // None of Chloé's messages can have left while her homeserver was down.
      const statusAtRestart = await Promise.all(
        duringOutage.map((t) => message(chloe.page, t).getAttribute("data-status")),
      );
      expect(statusAtRestart.every((st) => st === "failed" || st === "sending")).toBe(true);
      figures["chloe's outage messages when ministere-b returned"] = statusAtRestart.join(", ");
      const [sideA1, sideA3, brunoOutage] = await sideA;
      figures["ministere-a outage sends"] = sideA1.length + sideA3.length + brunoOutage.length;
      await waitSent(chloe, duringOutage);
      figures["chloe's re-sends sent, after restart (s)"] = ((Date.now() - upAt) / 1000).toFixed(1);
      await Promise.all(duringOutage.map((t) => shown(alice, t)));
      figures["chloe's re-sends shown at alice, after restart (s)"] = (
        (Date.now() - upAt) /
        1000
      ).toFixed(1);
      await Promise.all(
        [sideA1.at(-1)!, brunoOutage.at(-1)!].map((t) =>
          waitForDecrypted(chloeNode.client, roomIds[t.includes("R1") ? "R1" : "R2"], (e) =>
            String(e.getContent().body).startsWith(t),
          ),
        ),
      );
      figures["ministere-a's outage messages at chloe-node, after restart (s)"] = (
        (Date.now() - upAt) /
        1000
      ).toFixed(1);

      // Phase 3: everyone writes, the late joiner and the mid-way device too, up to 300.
      await openRoom(chloe.page, roomName.R3);
      await openRoom(brunoLaptop.page, roomName.R1);
      const phase3 = await Promise.all([
        nodeSend(chloeNode, "R3", 20).then(() => nodeSend(chloeNode, "R2", 20)),
        nodeSend(aliceNode, "R1", 32).then(() => nodeSend(aliceNode, "R2", 16)),
        browserSend(chloe, "R3", 5, "chloe"),
        browserSend(alice, "R2", 5, "alice"),
        browserSend(brunoLaptop, "R1", 10, "bruno, portable"),
      ]);
      await Promise.all([
        waitSent(chloe, phase3[2]),
        waitSent(alice, phase3[3]),
        waitSent(brunoLaptop, phase3[4]),
      ]);
      const total = sent.R1 + sent.R2 + sent.R3;
      expect(total).toBe(300);
      figures["all sent (s)"] = ((Date.now() - start) / 1000).toFixed(1);

      // Every device, every room: all messages, each once, none undecryptable.
      const expected: Count[] = ROOMS.map((k) => ({
        messages: sent[k],
        distinct: sent[k],
        utd: 0,
        unsent: 0,
        first: true,
        problems: [],
      }));
      // Only the device that accepted the invitation imports the key bundle (the SDK marks the
      // room as awaiting one in `joinRoom`); Chloé's other device reads R3's earlier messages
      // from her key backup, once that device has uploaded the imported keys.
      const preJoinSessions = new Set(
        (await loadAll(aliceNode, roomIds.R3))
          .filter((e) => Number(MESSAGE.exec(String(e.getContent().body))?.[2]) <= 100)
          .map((e) => String(e.getWireContent().session_id)),
      );
      await expect
        .poll(() => backedUpSessions(chloeNode, roomIds.R3), { timeout: 30_000 })
        .toEqual(expect.arrayContaining([...preJoinSessions]));
      figures["R3 history keys in the late joiner's backup, checked at (s after her join)"] = (
        (Date.now() - joinedAt) /
        1000
      ).toFixed(1);

      const devices: { label: string; count: (k: RoomKey) => Promise<Count> }[] = [
        { label: "alice (browser)", count: (k) => domCount(alice, k) },
        { label: "bruno (browser)", count: (k) => domCount(bruno, k) },
        { label: "bruno (browser, added mid-way)", count: (k) => domCount(brunoLaptop, k) },
        { label: "chloe (browser, late joiner of R3)", count: (k) => domCount(chloe, k) },
        { label: "alice (node)", count: (k) => sdkCount(aliceNode, k) },
        { label: "chloe (node, late joiner of R3)", count: (k) => sdkCount(chloeNode, k) },
      ];
      // Each device gets time for late keys to land (decryption retries, backup lookups); then all
      // are compared at once, so that a failure shows every device's state.
      const perDevice: Record<string, string> = {};
      const counts: Record<string, Count[]> = {};
      for (const d of devices) {
        let last: Count[] = [];
        await expect
          .poll(
            async () => {
              last = [];
              for (const k of ROOMS) last.push(await d.count(k));
              return last;
            },
            { timeout: 30_000 },
          )
          .toEqual(expected)
          .catch(() => undefined);
        counts[d.label] = last;
        perDevice[d.label] =
          `${last.reduce((s, c) => s + c.messages, 0)} messages, ` +
          `${last.reduce((s, c) => s + c.utd, 0)} UTD`;
      }
      console.log("[soak] per device", perDevice);
      figures["total (s)"] = ((Date.now() - start) / 1000).toFixed(1);
      expect(counts).toEqual(Object.fromEntries(devices.map((d) => [d.label, expected])));
    }, 360_000);
  },
);
