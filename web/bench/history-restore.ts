/**
 * New device, recovery key entered → every visible message decrypted, for an account with 500
 * encrypted messages over 20 rooms, next to the plain initial `/sync` of the same account
 * (plain fetch, the client's filter, a fresh device each time), alternated run by run.
 *
 * "Visible" here: the web client has no message previews in its room list, so what the user
 * sees is the restore dialog and the open room. Each run opens one room while still locked
 * (« Plus tard »), loads its older messages until all 25 are on screen as undecryptable, then
 * unlocks: the time runs from the click on « Déverrouiller » to both the dialog closing (every
 * key of the backup imported) and that room showing its 25 messages with no `[data-utd]`.
 *
 * Set-up (fresh accounts on the bench stack): the account's first browser login sets up
 * recovery and key backup; 20 encrypted private rooms shared with a colleague of another
 * agency; per room, the colleague's Node client (Rust crypto) sends 20 messages and the
 * account's first browser 5. The colleague starts a new Megolm session every 5 messages, as
 * weeks of real use would (rotation, members coming and going): 5 sessions per room, 100 keys.
 * Measuring starts once the server-side backup holds every session the rooms' events use.
 *
 * `HISTORY_RESTORE_PROFILE=1` adds a run that is not counted, under the CPU profiler, and prints
 * the functions with the most self time (and who called them): where the restore's time goes.
 */
import type { MatrixClient } from "matrix-js-sdk";
import type { Page } from "playwright-core";
import { matrixRequest } from "../../homeserver-config/src/admin/matrix-http.ts";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import type {
  StackAccount,
  StackDescription,
} from "../../homeserver-config/src/stack/stack-description.ts";
import {
  percentile,
  round,
  type BenchContext,
  type BenchFigure,
  type Benchmark,
} from "../../tests/bench/harness.ts";
import { accountCryptoClient } from "../../bots/testing/crypto-client.ts";
import { freshAccount } from "../../tests/e2e/support/fresh-account.ts";
import {
  confirmRecoveryKey,
  login,
  openClient,
  openRoom,
  send,
  type WebUser,
} from "../../tests/e2e/support/web-client.ts";
import { TestClient } from "../../tests/support/matrix-test-client.ts";
import { joinWhenInvited } from "../../bots/testing/crypto-client.ts";

const ROOMS = 20;
const PER_ROOM = 25;
const FROM_COLLEAGUE = 20; // the rest of each room's messages come from the account's browser
const MESSAGES_PER_SESSION = 5; // the colleague's rotation
const RUNS = 5;
const SEND_CONCURRENCY = 4;
/** What matrix-js-sdk asks for with the client's startClient options (as in room-list-500). */
const CLIENT_FILTER = { room: { timeline: { limit: 30 }, state: { lazy_load_members: true } } };
/** The room each run opens before unlocking. */
const OPEN_ROOM = 1;

const roomName = (i: number) => `Historique ${String(i).padStart(2, "0")}`;
const messageText = (i: number, n: number) => `${roomName(i)} · message ${n}/${PER_ROOM}`;

interface SetUp {
  account: StackAccount;
  baseUrl: string;
  recoveryKey: string;
  keys: number;
}

function homeserver(stack: StackDescription, id: string) {
  const hs = stack.homeservers.find((h) => h.id === id);
  if (!hs) throw new Error(`no homeserver ${id}`);
  return hs;
}

async function noRateLimit(stack: StackDescription, hsId: string, userId: string): Promise<void> {
  const hs = homeserver(stack, hsId);
  await matrixRequest(
    hs.clientUrl,
    `/_synapse/admin/v1/users/${encodeURIComponent(userId)}/override_ratelimit`,
    {
      accessToken: hs.admin.accessToken,
      method: "POST",
      body: { messages_per_second: 0, burst_count: 0 },
    },
  );
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Every Megolm session id the room's messages use; throws on a message sent in clear. */
async function sessionsOf(http: TestClient, roomId: string): Promise<string[]> {
  const res = await http.request<{
    chunk: { type: string; content: { session_id?: string } }[];
  }>(`/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=200`);
  if (res.chunk.some((e) => e.type === "m.room.message")) {
    throw new Error(`a message of ${roomId} was sent in clear`);
  }
  const encrypted = res.chunk.filter((e) => e.type === "m.room.encrypted");
  if (encrypted.length !== PER_ROOM) {
    throw new Error(`${roomId} holds ${encrypted.length} encrypted events, not ${PER_ROOM}`);
  }
  return [...new Set(encrypted.map((e) => e.content.session_id!))];
}

/** Session ids the account's server-side backup holds (current version). */
async function backedUpSessions(http: TestClient): Promise<Set<string>> {
  const { version } = await http.request<{ version: string }>(
    "/_matrix/client/v3/room_keys/version",
  );
  const res = await http.request<{ rooms: Record<string, { sessions: Record<string, unknown> }> }>(
    `/_matrix/client/v3/room_keys/keys?version=${encodeURIComponent(version)}`,
  );
  return new Set(Object.values(res.rooms).flatMap((r) => Object.keys(r.sessions)));
}

async function setUp(stack: StackDescription, log: (l: string) => void): Promise<SetUp> {
  const started = performance.now();
  const [account, colleagueAccount] = await Promise.all([
    freshAccount(stack, "ministere-a", "Banc", "Historique"),
    freshAccount(stack, "ministere-b", "Collègue", "Historique"),
  ]);
  await noRateLimit(stack, "ministere-a", account.userId);
  await noRateLimit(stack, "ministere-b", colleagueAccount.userId);
  const baseUrl = homeserver(stack, "ministere-a").clientUrl;

  // The account's first device: recovery and backup set up, the key kept in memory only.
  const first = await openClient(stack, account);
  let colleague: MatrixClient | undefined;
  try {
    await login(first.page, account.email, account.password);
    await first.page
      .getByRole("dialog", { name: "Clé de récupération" })
      .waitFor({ timeout: 60_000 });
    const recoveryKey = await confirmRecoveryKey(first.page);
    await first.page.locator(".chat[data-encryption=ready]").waitFor({ timeout: 60_000 });

    const owner = await TestClient.login(baseUrl, account.userId, account.password);
    colleague = await accountCryptoClient(stack, colleagueAccount, "bench");
    const rooms: string[] = [];
    for (let i = 1; i <= ROOMS; i++) {
      rooms.push(
        await owner.createRoom(
          createRoomRequest({
            type: "private",
            creatorUserId: account.userId,
            name: roomName(i),
            invite: [colleagueAccount.userId],
          }),
        ),
      );
    }
    const c = colleague;
    await pool(
      rooms.map((roomId, k) => ({ roomId, i: k + 1 })),
      SEND_CONCURRENCY,
      async ({ roomId, i }) => {
        await joinWhenInvited(c, roomId);
        // Sending before the client knows the room is encrypted would send in clear.
        await until(
          `${roomName(i)} known as encrypted`,
          60_000,
          async () =>
            Boolean(c.getRoom(roomId)) && (await c.getCrypto()!.isEncryptionEnabledInRoom(roomId)),
        );
        for (let n = 1; n <= FROM_COLLEAGUE; n++) {
          if (n > 1 && (n - 1) % MESSAGES_PER_SESSION === 0) {
            await c.getCrypto()!.forceDiscardSession(roomId);
          }
          await c.sendTextMessage(roomId, messageText(i, n));
        }
      },
    );
    log(`  colleague sent ${ROOMS * FROM_COLLEAGUE} messages`);
    for (let i = 1; i <= ROOMS; i++) {
      await openRoom(first.page, roomName(i));
      for (let n = FROM_COLLEAGUE + 1; n <= PER_ROOM; n++) {
        await send(first.page, messageText(i, n));
        await first.page
          .locator("li.message.mine[data-status=sent]", { hasText: `message ${n}/${PER_ROOM}` })
          .waitFor({ timeout: 30_000 });
      }
    }
    log(`  first browser sent ${ROOMS * (PER_ROOM - FROM_COLLEAGUE)} messages`);

    const expected = new Set<string>();
    for (const roomId of rooms) for (const s of await sessionsOf(owner, roomId)) expected.add(s);
    // The first device uploads each key a few seconds after it arrives: wait for all of them.
    let missing = expected.size;
    await until("the key backup to hold every session", 180_000, async () => {
      const held = await backedUpSessions(owner);
      missing = [...expected].filter((s) => !held.has(s)).length;
      return missing === 0;
    });
    log(
      `  set up in ${round((performance.now() - started) / 1000)} s: ${ROOMS} rooms, ` +
        `${ROOMS * PER_ROOM} messages, ${expected.size} sessions, all in the backup`,
    );
    if (first.errors.length) log(`  first browser errors: ${first.errors.slice(0, 5).join(" | ")}`);
    await owner.request("/_matrix/client/v3/logout", { method: "POST", body: {} });
    return { account, baseUrl, recoveryKey, keys: expected.size };
  } finally {
    colleague?.stopClient();
    await first.close();
  }
}

/** A fresh device's initial /sync with the client's filter, by plain fetch. */
async function rawInitialSync(s: SetUp): Promise<number> {
  const c = await TestClient.login(s.baseUrl, s.account.userId, s.account.password);
  const filter = encodeURIComponent(JSON.stringify(CLIENT_FILTER));
  const t0 = performance.now();
  const res = await fetch(`${s.baseUrl}/_matrix/client/v3/sync?timeout=0&filter=${filter}`, {
    headers: { Authorization: `Bearer ${c.accessToken}` },
  });
  const body = JSON.parse(await res.text()) as { rooms?: { join?: Record<string, unknown> } };
  const ms = performance.now() - t0;
  const joined = Object.keys(body.rooms?.join ?? {}).length;
  if (joined < ROOMS) throw new Error(`raw /sync saw ${joined} joined rooms, not ${ROOMS}`);
  await c.request("/_matrix/client/v3/logout", { method: "POST", body: {} });
  return ms;
}

declare global {
  interface Window {
    __restore?: {
      progressAt: number;
      progressText: string;
      dialogGoneAt: number;
      decryptedAt: number;
      /** When the open room first showed its first and its last message decrypted. */
      firstRowAt: number;
      lastRowAt: number;
    };
  }
}

/**
 * Records, in the page, when the restore's progress line first shows a count, when the unlock
 * dialog is gone, and when the open room shows all its messages with none undecryptable.
 * A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
 */
const WATCH_RESTORE = (title: string, perRoom: number) => `(() => {
  const r = { progressAt: 0, progressText: "", dialogGoneAt: 0, decryptedAt: 0, firstRowAt: 0, lastRowAt: 0 };
  const rows = new Set();
  window.__restore = r;
  const now = () => performance.timeOrigin + performance.now();
  const check = () => {
    const dialog = [...document.querySelectorAll("dialog[open]")].find(
      (d) => d.querySelector("h2")?.textContent === ${JSON.stringify(title)},
    );
    const status = dialog?.querySelector("[role=status]")?.textContent ?? "";
    if (/\\d+ \\/ \\d+/.test(status)) {
      if (!r.progressAt) r.progressAt = now();
      r.progressText = status;
    }
    if (!dialog && !r.dialogGoneAt) r.dialogGoneAt = now();
    for (const b of document.querySelectorAll("li.message .body")) {
      const m = / · message (\\d+)\\/${perRoom}$/.exec(b.textContent ?? "");
      if (m && !rows.has(m[1])) {
        rows.add(m[1]);
        if (!r.firstRowAt) r.firstRowAt = now();
        if (rows.size === ${perRoom}) r.lastRowAt = now();
      }
    }
    if (!r.decryptedAt && rows.size >= ${perRoom} && document.querySelectorAll("[data-utd]").length === 0) {
      r.decryptedAt = now();
    }
  };
  new MutationObserver(check).observe(document.body, {
    childList: true, subtree: true, characterData: true, attributes: true,
  });
})()`;

/** In the page: requests that started within [from, to], as [path, start − from, duration]. */
const REQUESTS = (from: number, to: number) => `(() =>
  performance.getEntriesByType("resource")
    .filter((e) => performance.timeOrigin + e.startTime >= ${from} && performance.timeOrigin + e.startTime <= ${to})
    .map((e) => [new URL(e.name).pathname.replace(/^\\/_matrix\\/client\\/v3/, ""),
      performance.timeOrigin + e.startTime - ${from}, e.responseEnd - e.startTime])
)()`;

interface RestoreRun {
  ms: number;
  /** Click → the backup download starts (key check, cross-signing import, backup enabled). */
  beforeFetch: number;
  /** GET /room_keys/keys (the whole backup). */
  fetch: number;
  /** Download answered → dialog closed (decrypting the backup and importing every key). */
  import: number;
  /** Dialog closed → open room fully decrypted (0 if it was before). */
  afterImport: number;
  /** Click → the open room's first, and last, message shown decrypted. */
  firstRow: number;
  lastRow: number;
  /** Console lines the page logged between the click and the end (SDK logging included). */
  consoleLines: number;
  progressText: string;
  requests: [string, number, number][];
  /** With `profile`: the functions with the most self time during the restore. */
  hotspots?: string[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time per function of a CDP CPU profile, the `n` largest, as text. */
function hotspots(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] },
  n: number,
): string[] {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const name = (x: ProfileNode) => {
    const f = x.callFrame;
    const file = f.url.split("/").pop()?.split("?")[0] ?? "";
    return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
  };
  const self = new Map<string, { ms: number; callers: Map<string, number> }>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const key = name(node);
    const entry = self.get(key) ?? { ms: 0, callers: new Map<string, number>() };
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    entry.ms += ms;
    // Browser built-ins (IndexedDB calls…) have no URL: name the code that called them.
    let up = parent.get(id);
    const chain: string[] = [];
    while (up !== undefined && chain.length < 3) {
      const p = byId.get(up)!;
      if (p.callFrame.url) chain.push(name(p));
      up = parent.get(up);
    }
    const via = chain.join(" ← ");
    entry.callers.set(via, (entry.callers.get(via) ?? 0) + ms);
    self.set(key, entry);
  });
  return [...self.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, n)
    .map(([k, e]) => {
      const top = [...e.callers.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      return `${round(e.ms, 0)} ms ${k}${top ? ` (mostly via ${top})` : ""}`;
    });
}

/** Older messages until the room's first message is on screen. */
async function loadWholeRoom(p: Page): Promise<void> {
  const older = p.getByRole("button", { name: "Afficher les messages précédents" });
  for (let i = 0; i < 20 && (await older.count()) > 0; i++) {
    await older.click();
    await p.getByRole("button", { name: "Chargement…" }).waitFor({ state: "detached" });
  }
}

async function devicesOf(stack: StackDescription, userId: string): Promise<string[]> {
  const hs = homeserver(stack, "ministere-a");
  const res = await matrixRequest<{ devices: { device_id: string }[] }>(
    hs.clientUrl,
    `/_synapse/admin/v2/users/${encodeURIComponent(userId)}/devices`,
    { accessToken: hs.admin.accessToken },
  );
  return res.devices.map((d) => d.device_id);
}

async function browserRestore(
  stack: StackDescription,
  s: SetUp,
  profile = false,
): Promise<RestoreRun> {
  const before = new Set(await devicesOf(stack, s.account.userId));
  const user: WebUser = await openClient(stack, s.account);
  try {
    const p = user.page;
    await login(p, s.account.email, s.account.password);
    const title = "Déverrouiller l'historique";
    const dialog = p.getByRole("dialog", { name: title });
    await dialog.waitFor({ timeout: 60_000 });
    await dialog.getByRole("button", { name: "Plus tard" }).click();
    await dialog.waitFor({ state: "detached" });
    await openRoom(p, roomName(OPEN_ROOM));
    await loadWholeRoom(p);
    await until("the open room's messages shown as locked", 60_000, async () => {
      return (await p.locator("li.message [data-utd]").count()) >= PER_ROOM;
    });

    await p.getByRole("button", { name: "Déverrouiller", exact: true }).click();
    await dialog.getByRole("button", { name: "Utiliser la clé de récupération" }).click();
    await dialog.getByLabel("Clé de récupération").fill(s.recoveryKey);
    await p.evaluate(() => performance.setResourceTimingBufferSize(100_000));
    await p.evaluate(WATCH_RESTORE(title, PER_ROOM));
    let consoleLines = 0;
    p.on("console", () => consoleLines++);
    const cdp = profile ? await user.browser.context.newCDPSession(p) : null;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.send("Profiler.start");
    }
    const t0 = await dialog
      .getByRole("button", { name: "Déverrouiller", exact: true })
      .evaluate((el) => {
        const t = performance.timeOrigin + performance.now();
        (el as HTMLButtonElement).click();
        return t;
      });
    const done = await p.waitForFunction(
      () => {
        const r = window.__restore;
        return r && r.dialogGoneAt && r.decryptedAt ? r : null;
      },
      undefined,
      { timeout: 180_000, polling: 20 },
    );
    const r = (await done.jsonValue()) as NonNullable<Window["__restore"]>;
    const lines = consoleLines;
    const cpu = cdp
      ? ((await cdp.send("Profiler.stop")) as {
          profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
        })
      : null;
    if ((await p.locator(".chat").getAttribute("data-encryption")) !== "ready") {
      throw new Error("the device is not ready after the restore");
    }
    const t1 = Math.max(r.dialogGoneAt, r.decryptedAt);
    const requests = (await p.evaluate(REQUESTS(t0, t1))) as [string, number, number][];
    const full = requests.find(([path]) => path === "/room_keys/keys");
    if (!full) throw new Error("no GET /room_keys/keys during the restore");
    const fetchEnd = full[1] + full[2];
    if (user.errors.length) throw new Error(`page errors: ${user.errors.slice(0, 3).join(" | ")}`);
    return {
      ms: t1 - t0,
      beforeFetch: full[1],
      fetch: full[2],
      import: r.dialogGoneAt - t0 - fetchEnd,
      afterImport: Math.max(0, r.decryptedAt - r.dialogGoneAt),
      firstRow: r.firstRowAt - t0,
      lastRow: r.lastRowAt - t0,
      consoleLines: lines,
      progressText: r.progressText,
      requests,
      ...(cpu ? { hotspots: hotspots(cpu.profile, 15) } : {}),
    };
  } finally {
    await user.close();
    // Each run starts from the same account: its earlier run's device removed.
    const hs = homeserver(stack, "ministere-a");
    for (const id of await devicesOf(stack, s.account.userId)) {
      if (before.has(id)) continue;
      await matrixRequest(
        hs.clientUrl,
        `/_synapse/admin/v2/users/${encodeURIComponent(s.account.userId)}/devices/${encodeURIComponent(id)}`,
        { accessToken: hs.admin.accessToken, method: "DELETE" },
      );
    }
  }
}

export const webHistoryRestore: Benchmark = {
  name: "web history restore (500 messages, 20 rooms)",
  async run({ stack, log }: BenchContext): Promise<BenchFigure[]> {
    const s = await setUp(stack, log);
    log(
      `  visible = the unlock dialog (closes once every key is imported) and room ` +
        `« ${roomName(OPEN_ROOM)} » opened before unlocking, all ${PER_ROOM} messages loaded`,
    );
    await rawInitialSync(s); // warm the server's caches for both paths alike
    const raw: number[] = [];
    const runs: RestoreRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ms = await rawInitialSync(s);
      raw.push(ms);
      const b = await browserRestore(stack, s);
      runs.push(b);
      log(
        `  run ${i + 1}: restore ${round(b.ms)} ms (${round(b.beforeFetch)} before the ` +
          `download, download ${round(b.fetch)}, import ${round(b.import)}, then ` +
          `${round(b.afterImport)} to the room decrypted; its messages decrypted from ` +
          `${round(b.firstRow)} to ${round(b.lastRow)} ms; « ${b.progressText} »; ` +
          `${b.consoleLines} console lines), raw /sync ${round(ms)} ms`,
      );
      if (i === 0) {
        const slow = b.requests
          .filter(([, , d]) => d >= 20)
          .map(([path, at, d]) => `${path} @${round(at, 0)} +${round(d, 0)}`);
        log(`  run 1 requests ≥ 20 ms (ms after the click): ${slow.join(", ")}`);
      }
    }
    if (process.env.HISTORY_RESTORE_PROFILE) {
      // Not counted: the profiler slows the page down.
      const p = await browserRestore(stack, s, true);
      log(`  profiled extra run: ${round(p.ms)} ms; most self time:`);
      for (const h of p.hotspots ?? []) log(`    ${h}`);
    }
    const b = percentile(
      runs.map((x) => x.ms),
      50,
    );
    const r = percentile(raw, 50);
    const part = (k: "beforeFetch" | "fetch" | "import" | "afterImport") =>
      round(
        percentile(
          runs.map((x) => x[k]),
          50,
        ),
      );
    return [
      { metric: "recovery key → visible messages decrypted p50", value: round(b), unit: "ms" },
      { metric: "raw initial /sync, same filter p50", value: round(r), unit: "ms" },
      { metric: "restore / raw /sync", value: round(b / r, 2), unit: "×" },
      { metric: "keys in the backup", value: s.keys, unit: "" },
      { metric: "restore: before the download p50", value: part("beforeFetch"), unit: "ms" },
      { metric: "restore: GET /room_keys/keys p50", value: part("fetch"), unit: "ms" },
      { metric: "restore: import (to dialog closed) p50", value: part("import"), unit: "ms" },
      {
        metric: "restore: dialog closed → room decrypted p50",
        value: part("afterImport"),
        unit: "ms",
      },
    ];
  },
};
