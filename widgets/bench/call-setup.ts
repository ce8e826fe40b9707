/**
 * Click "call" → first remote video frame shown, in the web client with our embedded Element
 * Call: agency B's user is already in the encrypted room's call; agency A's user presses the
 * video-call button (which joins it) and we wait for B's video to be presented in A's
 * Element Call. Repeated, hanging up in between; p50/p90 reported (target ≤ 2 s on loopback).
 *
 * Timing is taken in the browser: t0 just before the click is dispatched in the host page,
 * t1 in Element Call's frame when `requestVideoFrameCallback` first fires for a video element
 * showing a track received over WebRTC (both read `performance.timeOrigin + now`). The moment
 * Element Call reports "joined" to the host is recorded too, to split the total.
 */
import type { Frame, Page } from "playwright-core";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import {
  percentile,
  round,
  type BenchContext,
  type BenchFigure,
  type Benchmark,
} from "../../tests/bench/harness.ts";
import {
  callBanner,
  dockedCall,
  loginAndOpen,
  startVideoCall,
  waitForRemoteVideo,
} from "../../tests/e2e/support/calls.ts";
import { account, openClient, type WebUser } from "../../tests/e2e/support/web-client.ts";
import { TestClient } from "../../tests/support/matrix-test-client.ts";

const CALLS = 12;
const WARMUP = 2;

/**
 * The time the first remote video frame is presented. Hooks the `srcObject` setter rather than
 * watching the document: a same-origin iframe keeps the Window of its initial about:blank
 * (where init scripts run) when it loads Element Call, but gets a new document. A string, not
 * a function: tsx would wrap named functions in a helper the page lacks.
 */
export const FIRST_REMOTE_FRAME = `(() => {
  if (window.__firstRemoteFrameHook) return;
  window.__firstRemoteFrameHook = true;
  const desc = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, "srcObject");
  const seen = new WeakSet();
  const isRemote = (track) => (window.__rtcProbe || []).some((pc) =>
    pc.getReceivers().some((r) => r.track === track));
  const watch = (video) => {
    if (seen.has(video)) return;
    seen.add(video);
    const onFrame = () => {
      const stream = desc.get.call(video);
      const track = stream && stream.getVideoTracks ? stream.getVideoTracks()[0] : undefined;
      if (track && isRemote(track)) {
        if (window.__firstRemoteFrameAt === undefined)
          window.__firstRemoteFrameAt = performance.timeOrigin + performance.now();
        return;
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  Object.defineProperty(HTMLMediaElement.prototype, "srcObject", {
    configurable: true,
    enumerable: desc.enumerable,
    get() { return desc.get.call(this); },
    set(value) {
      desc.set.call(this, value);
      if (value && this instanceof HTMLVideoElement) watch(this);
    },
  });
})()`;

interface Sample {
  total: number;
  joined: number;
}

async function callFrame(page: Page, widgetId: string): Promise<Frame> {
  for (let i = 0; i < 600; i++) {
    const f = page.frames().find((fr) => fr.url().includes(`widgetId=${widgetId}`));
    if (f) return f;
    await page.waitForTimeout(50);
  }
  throw new Error("Element Call's frame did not appear");
}

async function oneCall(alice: WebUser): Promise<Sample> {
  const page = alice.page;
  const button = page.getByRole("button", { name: "Démarrer un appel vidéo" });
  const t0 = await button.evaluate((el) => {
    const t = performance.timeOrigin + performance.now();
    (el as HTMLButtonElement).click();
    return t;
  });
  const joinedAt = page
    .waitForFunction(
      () =>
        document.querySelector('.call-frame[data-call-state="joined"]')
          ? performance.timeOrigin + performance.now()
          : undefined,
      undefined,
      { polling: "raf", timeout: 60_000 },
    )
    .then((h) => h.jsonValue() as Promise<number>);
  // Observed now, awaited later: never an unhandled rejection if the call fails first.
  joinedAt.catch(() => undefined);
  // The newest call iframe (a previous one may still be closing).
  const widgetId = await page.locator("iframe.call-iframe").last().getAttribute("data-widget-id");
  const frame = await callFrame(page, widgetId ?? "");
  const handle = await frame.waitForFunction(
    () => (window as unknown as { __firstRemoteFrameAt?: number }).__firstRemoteFrameAt,
    undefined,
    { polling: 20, timeout: 60_000 },
  );
  const t1 = (await handle.jsonValue()) as number;
  const sample = { total: t1 - t0, joined: (await joinedAt) - t0 };
  await dockedCall(page).getByRole("button", { name: "Raccrocher" }).click();
  await dockedCall(page).waitFor({ state: "detached", timeout: 30_000 });
  // Let the leave reach the other side before calling again.
  await callBanner(page).waitFor({ timeout: 30_000 });
  return sample;
}

export const callSetupTime: Benchmark = {
  name: "call setup (click → first remote video frame)",
  async run({ stack, log }: BenchContext): Promise<BenchFigure[]> {
    const users: WebUser[] = [];
    try {
      const a = account(stack, "ministere-a", 1);
      const c = account(stack, "ministere-b", 1);
      const rawA = await TestClient.demo(stack, "ministere-a", 1);
      const rawC = await TestClient.demo(stack, "ministere-b", 1);
      const roomId = await rawA.createRoom(
        createRoomRequest({
          type: "private",
          creatorUserId: rawA.userId,
          name: `Banc appels ${Date.now().toString(36)}`,
          invite: [rawC.userId],
        }),
      );
      await rawC.waitForInvite(roomId, 60_000);
      await rawC.join(roomId);
      const [alice, chloe] = await Promise.all([openClient(stack, a), openClient(stack, c)]);
      users.push(alice, chloe);
      await alice.browser.context.addInitScript({ content: FIRST_REMOTE_FRAME });
      await Promise.all([loginAndOpen(alice, roomId), loginAndOpen(chloe, roomId)]);
      // B is in the call, publishing, for the whole benchmark.
      await startVideoCall(chloe.page);
      await dockedCall(chloe.page).waitFor({ timeout: 30_000 });
      await callBanner(alice.page).waitFor({ timeout: 60_000 });
      // First call: also proves media flows both ways before anything is timed.
      await startVideoCall(alice.page);
      await waitForRemoteVideo(alice.page);
      await dockedCall(alice.page).getByRole("button", { name: "Raccrocher" }).click();
      await callBanner(alice.page).waitFor({ timeout: 30_000 });

      const samples: Sample[] = [];
      for (let i = 0; i < WARMUP + CALLS; i++) {
        const s = await oneCall(alice);
        if (i >= WARMUP) samples.push(s);
        log(
          `  call ${i + 1}/${WARMUP + CALLS}: ${Math.round(s.total)} ms (joined ${Math.round(s.joined)} ms)`,
        );
      }
      const total = samples.map((s) => s.total);
      const joined = samples.map((s) => s.joined);
      return [
        {
          metric: "click → first remote frame p50",
          value: round(percentile(total, 50)),
          unit: "ms",
          target: "≤ 2000",
          met: percentile(total, 50) <= 2000,
        },
        {
          metric: "click → first remote frame p90",
          value: round(percentile(total, 90)),
          unit: "ms",
        },
        {
          metric: "click → Element Call joined p50",
          value: round(percentile(joined, 50)),
          unit: "ms",
        },
        { metric: "calls measured", value: samples.length, unit: "calls" },
      ];
    } finally {
      for (const u of users) {
        if (u.errors.length) log(`  ${u.account.email}: ${u.errors.length} page errors`);
        await u.close();
      }
    }
  },
};
