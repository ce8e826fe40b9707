/**
 * Login → room list shown, for an account in 500 rooms, in Chromium: time from submitting the
 * login form to the list holding every room, and the JS heap then (CDP Performance.getMetrics
 * JSHeapUsedSize) — next to the raw initial `/sync` of the same account (plain fetch, same
 * filter as the client, a fresh device each time) measured in the same run, alternated.
 *
 * Set-up (fresh bench stack): an account with no rate limit creates the rooms concurrently —
 * mostly encrypted private rooms, some shared with a colleague, some forums with messages.
 */
import type { Page } from "playwright-core";
import { matrixRequest } from "../../homeserver-config/src/admin/matrix-http.ts";
import { createRoomRequest, type RoomType } from "../../homeserver-config/src/policy/room-types.ts";
import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";
import {
  round,
  type BenchContext,
  type BenchFigure,
  type Benchmark,
} from "../../tests/bench/harness.ts";
import { launchChromium } from "../../tests/e2e/support/chromium.ts";
import { webUrl } from "../../tests/e2e/support/web-client.ts";
import { TestClient } from "../../tests/support/matrix-test-client.ts";

const ROOMS = 500;
const SHARED_EVERY = 5; // every 5th room also has a colleague (their keys are queried)
const FORUM_EVERY = 10; // every 10th room is a forum with a few messages
const CONCURRENCY = 8;
const REPEATS = 3;
/** What matrix-js-sdk asks for with the client's startClient options (matrix-session.ts). */
const CLIENT_FILTER = { room: { timeline: { limit: 30 }, state: { lazy_load_members: true } } };

interface BenchAccount {
  userId: string;
  password: string;
  baseUrl: string;
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The bench account in ROOMS rooms; returns its credentials. */
async function setUp(stack: StackDescription, log: (l: string) => void): Promise<BenchAccount> {
  const hs = stack.homeservers.find((h) => h.id === "ministere-a")!;
  const userId = `@bench.rooms500:${hs.serverName}`;
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  const admin = { accessToken: hs.admin.accessToken };
  await matrixRequest(hs.clientUrl, `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`, {
    ...admin,
    method: "PUT",
    body: { password, displayname: "Banc Cinq-Cents [Min. A]", admin: false },
  });
  const owner = await TestClient.login(hs.clientUrl, userId, password);
  const colleague = await TestClient.demo(stack, "ministere-a", 1);
  // Both create or join rooms faster than the local join and message limits allow.
  for (const id of [userId, colleague.userId]) {
    await matrixRequest(
      hs.clientUrl,
      `/_synapse/admin/v1/users/${encodeURIComponent(id)}/override_ratelimit`,
      { ...admin, method: "POST", body: { messages_per_second: 0, burst_count: 0 } },
    );
  }
  const started = performance.now();
  const shared: string[] = [];
  await pool(
    Array.from({ length: ROOMS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const type: RoomType = i % FORUM_EVERY === 0 ? "forum" : "private";
      const roomId = await owner.createRoom({
        ...createRoomRequest({ type, creatorUserId: userId, name: `Salon ${i + 1}` }),
        visibility: "private",
        ...(i % SHARED_EVERY === 0 ? { invite: [colleague.userId] } : {}),
      });
      if (i % SHARED_EVERY === 0) shared.push(roomId);
      if (type === "forum") {
        for (let m = 0; m < 3; m++) await owner.send(roomId, `Message ${m + 1} du salon ${i + 1}`);
      }
    },
  );
  await pool(shared, CONCURRENCY, async (roomId) => {
    await colleague.join(roomId);
  });
  log(
    `  ${ROOMS} rooms (${shared.length} shared, ${ROOMS / FORUM_EVERY} forums with messages) ` +
      `set up in ${round((performance.now() - started) / 1000)} s`,
  );
  return { userId, password, baseUrl: hs.clientUrl };
}

/** A fresh device's initial /sync with the client's filter, by plain fetch: ms and bytes. */
async function rawInitialSync(a: BenchAccount): Promise<{ ms: number; bytes: number }> {
  const c = await TestClient.login(a.baseUrl, a.userId, a.password);
  const filter = encodeURIComponent(JSON.stringify(CLIENT_FILTER));
  const t0 = performance.now();
  const res = await fetch(`${a.baseUrl}/_matrix/client/v3/sync?timeout=0&filter=${filter}`, {
    headers: { Authorization: `Bearer ${c.accessToken}` },
  });
  const text = await res.text();
  const body = JSON.parse(text) as { rooms?: { join?: Record<string, unknown> } };
  const ms = performance.now() - t0;
  const joined = Object.keys(body.rooms?.join ?? {}).length;
  if (joined < ROOMS) throw new Error(`raw /sync saw ${joined} joined rooms, not ${ROOMS}`);
  await c.request("/_matrix/client/v3/logout", { method: "POST", body: {} }).catch(() => undefined);
  return { ms, bytes: text.length };
}

/** Records, in the page, when the room list first holds `n` rooms (a MutationObserver). */
const WATCH_LIST = (n: number) => `(() => {
  window.__listShownAt = 0;
  const check = () => {
    if (!window.__listShownAt && document.querySelectorAll("nav.room-list [data-room-id]").length >= ${n}) {
      window.__listShownAt = performance.timeOrigin + performance.now();
    }
  };
  new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
})()`;

declare global {
  interface Window {
    __listShownAt?: number;
  }
}

/** Where the browser's time went: login and crypto set-up, the /sync request, processing. */
interface Split {
  beforeSync: number;
  sync: number;
  afterSync: number;
}

/** In the page: absolute [start, end] of the first /sync, from resource timing. */
const FIRST_SYNC = `(() => {
  const e = performance.getEntriesByType("resource").find((x) => /\\/sync\\?/.test(x.name));
  return e ? [performance.timeOrigin + e.startTime, performance.timeOrigin + e.responseEnd] : null;
})()`;

async function browserLogin(
  stack: StackDescription,
  a: BenchAccount,
): Promise<{ ms: number; heapMb: number; heapAfterGcMb: number; split: Split | null }> {
  const browser = await launchChromium();
  try {
    const page: Page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(webUrl(stack));
    await page.getByLabel("Adresse e-mail professionnelle ou identifiant Matrix").fill(a.userId);
    await page.getByLabel("Mot de passe").fill(a.password);
    await page.evaluate(WATCH_LIST(ROOMS));
    await page.evaluate(() => performance.setResourceTimingBufferSize(10_000));
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const submit = page.getByRole("button", { name: "Se connecter" });
    const t0 = await submit.evaluate((el) => {
      const t = performance.timeOrigin + performance.now();
      (el as HTMLButtonElement).click();
      return t;
    });
    const shown = await page.waitForFunction(() => window.__listShownAt || 0, undefined, {
      timeout: 180_000,
      polling: 20,
    });
    const t1 = (await shown.jsonValue()) as number;
    const heap = async () => {
      const { metrics } = (await cdp.send("Performance.getMetrics")) as {
        metrics: { name: string; value: number }[];
      };
      return metrics.find((m) => m.name === "JSHeapUsedSize")!.value / 1024 / 1024;
    };
    const heapMb = await heap();
    await cdp.send("HeapProfiler.collectGarbage");
    const heapAfterGcMb = await heap();
    const sync = (await page.evaluate(FIRST_SYNC)) as [number, number] | null;
    const split = sync
      ? { beforeSync: sync[0] - t0, sync: sync[1] - sync[0], afterSync: t1 - sync[1] }
      : null;
    return { ms: t1 - t0, heapMb, heapAfterGcMb, split };
  } finally {
    await browser.close();
  }
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const webRoomList500: Benchmark = {
  name: "web login → room list (500 rooms)",
  async run({ stack, log }: BenchContext): Promise<BenchFigure[]> {
    const account = await setUp(stack, log);
    await rawInitialSync(account); // warm the server's caches for both paths alike
    const raw: number[] = [];
    const browser: number[] = [];
    const heap: number[] = [];
    const heapGc: number[] = [];
    let bytes = 0;
    const splits: Split[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const r = await rawInitialSync(account);
      raw.push(r.ms);
      bytes = r.bytes;
      const b = await browserLogin(stack, account);
      browser.push(b.ms);
      heap.push(b.heapMb);
      heapGc.push(b.heapAfterGcMb);
      if (b.split) splits.push(b.split);
      log(
        `  run ${i + 1}: browser ${round(b.ms)} ms (heap ${round(b.heapMb)} MB, ` +
          `${round(b.heapAfterGcMb)} MB after GC), raw /sync ${round(r.ms)} ms` +
          (b.split
            ? `; browser: ${round(b.split.beforeSync)} ms before /sync, /sync ` +
              `${round(b.split.sync)} ms, ${round(b.split.afterSync)} ms after`
            : ""),
      );
    }
    const b = median(browser);
    const r = median(raw);
    return [
      { metric: "login → 500 rooms listed (median)", value: round(b), unit: "ms" },
      { metric: "raw initial /sync, same filter (median)", value: round(r), unit: "ms" },
      { metric: "browser / raw", value: round(b / r, 2), unit: "×" },
      ...(["beforeSync", "sync", "afterSync"] as const).map((k) => ({
        metric: `browser: ${k === "beforeSync" ? "login + crypto set-up" : k === "sync" ? "its /sync request" : "/sync answered → list shown"} (median)`,
        value: round(median(splits.map((x) => x[k]))),
        unit: "ms",
      })),
      { metric: "JS heap when listed (median)", value: round(median(heap)), unit: "MB" },
      { metric: "JS heap after GC (median)", value: round(median(heapGc)), unit: "MB" },
      { metric: "initial /sync size", value: round(bytes / 1024 / 1024, 2), unit: "MB" },
    ];
  },
};
