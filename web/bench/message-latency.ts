/**
 * Send in agency A's browser → rendered in agency B's browser, in an encrypted private room,
 * next to the raw HTTP baseline (PUT /send by A → B's /sync long-poll) between the same two
 * accounts, measured in the same run and alternated in blocks so both see the same machine noise.
 *
 * Timing inside the browsers: both pages read `performance.timeOrigin + performance.now()` (the
 * same machine clock), so no Playwright round trip is counted. t0 is taken just before the
 * composer receives Enter in A's page; t1 when B's DOM first holds the decrypted text (a
 * MutationObserver; the paint follows in the next frame, as for any client).
 */
import type { Page } from "playwright-core";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import {
  percentile,
  round,
  type BenchContext,
  type BenchFigure,
  type Benchmark,
} from "../../tests/bench/harness.ts";
import {
  account,
  expectNoUnableToDecrypt,
  loginAndWait,
  openClient,
  openRoom,
  type WebUser,
} from "../../tests/e2e/support/web-client.ts";
import { TestClient } from "../../tests/support/matrix-test-client.ts";

const MESSAGES = 100;
const BLOCK = 25;
const WARMUP = 5;

declare global {
  interface Window {
    __latSeen?: Map<string, number>;
  }
}

/**
 * Records, in the receiver's page, when each `⟦id⟧` marker first appears in a message body.
 * A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
 */
const WATCH_ARRIVALS = `(() => {
  const seen = new Map();
  window.__latSeen = seen;
  const scan = (el) => {
    const row = el ? el.closest("li.message") : null;
    const rows = row ? [row] : el ? [...el.querySelectorAll("li.message")] : [];
    for (const r of rows) {
      const m = /⟦(lat-[\\w-]+)⟧/.exec(r.querySelector(".body")?.textContent ?? "");
      if (m && !seen.has(m[1])) seen.set(m[1], performance.timeOrigin + performance.now());
    }
  };
  new MutationObserver((records) => {
    for (const rec of records) {
      scan(rec.target instanceof Element ? rec.target : rec.target.parentElement);
      for (const n of rec.addedNodes) if (n instanceof Element) scan(n);
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
})()`;

async function watchArrivals(page: Page): Promise<void> {
  await page.evaluate(WATCH_ARRIVALS);
}

/** Where one browser round trip's time went, from both pages' resource timings. */
interface Breakdown {
  /** keydown → PUT /send leaves A's page (local echo, encryption, the SDK's queue). */
  beforePut: number;
  /** PUT /send request → answer (A's homeserver stores the event). */
  put: number;
  /** PUT answered → B's /sync answered with it (federation, B's homeserver, the long-poll). */
  toSync: number;
  /** B's /sync answered → text in B's DOM (decryption, view model, React). */
  render: number;
}

const ABS = "performance.timeOrigin";
/** In a page: absolute (ms since epoch) [start, end] of the last matching resource entry. */
const lastResource = (pattern: string, before: number) => `(() => {
  const re = new RegExp(${JSON.stringify(pattern)});
  const hits = performance.getEntriesByType("resource")
    .filter((e) => re.test(e.name) && ${ABS} + e.responseEnd <= ${before} + 1);
  const e = hits[hits.length - 1];
  return e ? [${ABS} + e.startTime, ${ABS} + e.responseEnd] : null;
})()`;

async function browserRoundTrip(
  sender: Page,
  receiver: Page,
  id: string,
): Promise<{ ms: number; parts: Breakdown | null }> {
  const box = sender.getByLabel("Écrire un message");
  await box.fill(`Mesure ⟦${id}⟧`);
  const t0 = await box.evaluate((el) => {
    const t = performance.timeOrigin + performance.now();
    el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    return t;
  });
  const handle = await receiver.waitForFunction((key) => window.__latSeen?.get(key), id, {
    timeout: 30_000,
    polling: 5,
  });
  const t1 = (await handle.jsonValue()) as number;
  // The PUT may still be answering when B renders (B's sync can beat A's answer): wait a bit.
  await sender.waitForTimeout(50);
  const put = (await sender.evaluate(
    lastResource("/send/m\\.room\\.encrypted/", Date.now() + 1e6),
  )) as [number, number] | null;
  const sync = (await receiver.evaluate(lastResource("/sync\\?", t1))) as [number, number] | null;
  const parts =
    put && sync && put[0] >= t0
      ? {
          beforePut: put[0] - t0,
          put: put[1] - put[0],
          toSync: sync[1] - put[1],
          render: t1 - sync[1],
        }
      : null;
  return { ms: t1 - t0, parts };
}

async function rawRoundTrip(
  sender: TestClient,
  receiver: TestClient,
  roomId: string,
  body: string,
): Promise<number> {
  const t0 = performance.now();
  await sender.send(roomId, body);
  await receiver.waitForEvent(roomId, (e) => e.content.body === body, 30_000);
  return performance.now() - t0;
}

export const webMessageLatency: Benchmark = {
  name: "web message latency (browser A → browser B)",
  async run({ stack, log }: BenchContext): Promise<BenchFigure[]> {
    const stamp = Date.now().toString(36);
    const users: WebUser[] = [];
    try {
      const [alice, chloe] = await Promise.all([
        openClient(stack, account(stack, "ministere-a", 0)),
        openClient(stack, account(stack, "ministere-b", 0)),
      ]);
      users.push(alice, chloe);
      await Promise.all([loginAndWait(alice), loginAndWait(chloe)]);

      // The raw clients are the same two accounts (other devices); they also set the room up.
      const rawA = await TestClient.demo(stack, "ministere-a", 0);
      const rawB = await TestClient.demo(stack, "ministere-b", 0);
      const name = `Banc navigateur ${stamp}`;
      const roomId = await rawA.createRoom(
        createRoomRequest({ type: "private", creatorUserId: rawA.userId, name }),
      );
      await rawA.invite(roomId, rawB.userId);
      await rawB.waitForInvite(roomId, 60_000);
      await rawB.join(roomId);
      await Promise.all([openRoom(alice.page, name), openRoom(chloe.page, name)]);
      await watchArrivals(chloe.page);

      for (const p of [alice.page, chloe.page])
        await p.evaluate(() => performance.setResourceTimingBufferSize(100_000));
      const samples = { browser: [] as number[], raw: [] as number[] };
      const parts: Breakdown[] = [];
      const rawBlock = async (n: number, keep: boolean) => {
        await rawB.sync(0); // start from now: no backlog counted
        for (let i = 0; i < n; i++) {
          const ms = await rawRoundTrip(rawA, rawB, roomId, `raw ${stamp} ${samples.raw.length}`);
          if (keep) samples.raw.push(ms);
        }
      };
      const browserBlock = async (n: number, keep: boolean, tag: string) => {
        for (let i = 0; i < n; i++) {
          const r = await browserRoundTrip(alice.page, chloe.page, `lat-${tag}-${i}`);
          if (keep) samples.browser.push(r.ms);
          if (keep && r.parts) parts.push(r.parts);
        }
      };
      // Warm both paths: the first encrypted send also sets up the Olm session and room key.
      await browserBlock(WARMUP, false, "warm");
      await rawBlock(WARMUP, false);
      for (let done = 0; done < MESSAGES; done += BLOCK) {
        await rawBlock(BLOCK, true);
        await browserBlock(BLOCK, true, String(done));
        log(`  web latency: ${done + BLOCK}/${MESSAGES} messages per path`);
      }
      await expectNoUnableToDecrypt(chloe.page);

      const figures: BenchFigure[] = [];
      for (const [path, values] of Object.entries(samples)) {
        for (const p of [50, 90, 99]) {
          figures.push({
            metric: `${path} p${p}`,
            value: round(percentile(values, p)),
            unit: "ms",
          });
        }
      }
      for (const key of ["beforePut", "put", "toSync", "render"] as const) {
        figures.push({
          metric: `browser breakdown p50: ${key}`,
          value: round(
            percentile(
              parts.map((x) => x[key]),
              50,
            ),
          ),
          unit: "ms",
        });
      }
      figures.push({ metric: "breakdown samples", value: parts.length, unit: "" });
      const b50 = percentile(samples.browser, 50);
      const r50 = percentile(samples.raw, 50);
      figures.push(
        {
          metric: "browser p50 − raw p50 (client overhead)",
          value: round(b50 - r50),
          unit: "ms",
          target: "≤ 20",
          met: b50 - r50 <= 20,
        },
        { metric: "browser p50 / raw p50", value: round(b50 / r50, 2), unit: "×" },
        {
          metric: "browser p99 / raw p99",
          value: round(percentile(samples.browser, 99) / percentile(samples.raw, 99), 2),
          unit: "×",
        },
      );
      return figures;
    } finally {
      for (const u of users) {
        if (u.errors.length) log(`  ${u.account.email} page errors: ${u.errors.slice(0, 5)}`);
        await u.close();
      }
    }
  },
};
