import type { Frame } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import {
  bannerParticipants,
  callBanner,
  dockedCall,
  dockedCount,
  loginAndOpen,
  redactedErrors,
  openKillableClient,
  openRoomById,
  roomBetween,
  startVideoCall,
  waitForRemoteVideo,
  type KillableUser,
} from "./support/calls.ts";
import {
  e2eeMediaTransforms,
  totalFramesDecoded,
  waitForElementCallFrame,
} from "./support/element-call-probe.ts";
import { startWidgetServer, type WidgetServer } from "./support/third-party-widget.ts";
import { account, openClient, type WebUser } from "./support/web-client.ts";
import type { TestClient } from "../support/matrix-test-client.ts";

/**
 * Two officials of two agencies in an encrypted private room call each other with our
 * embedded Element Call: start, banner, join, each decodes the other's video, leave, and a
 * call kept alive in a floating view, forged widget messages dropped, and a call member who
 * vanishes (browser killed) is removed by the homeserver's delayed event.
 */
const stack = inject("stack");
const CALL_MEMBER = "org.matrix.msc3401.call.member";
let alice: KillableUser; // ministere-a, the caller; her browser is killed at the end
let chloe: WebUser; // ministere-b
let roomId: string;
let otherRoomId: string;
let chloeHttp: TestClient;
let elsewhere: WidgetServer; // another origin, for a page that is not our call widget
const name = `Réunion de crise ${Date.now().toString(36)}`;

type StateEvent = {
  type: string;
  state_key: string;
  sender: string;
  content: Record<string, unknown>;
};
/** Leave events (empty content) in the room's history for one membership state key. */
async function emptyMemberships(stateKey: string): Promise<number> {
  const res = await chloeHttp.request<{ chunk: StateEvent[] }>(
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=200`,
  );
  return res.chunk.filter(
    (e) =>
      e.type === CALL_MEMBER && e.state_key === stateKey && Object.keys(e.content).length === 0,
  ).length;
}

async function aliceMemberships(): Promise<StateEvent[]> {
  const state = await chloeHttp.request<StateEvent[]>(
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`,
  );
  return state.filter((e) => e.type === CALL_MEMBER && e.state_key.includes(alice.account.userId));
}

describe("video call in an encrypted room across agencies", () => {
  beforeAll(async () => {
    const a = account(stack, "ministere-a", 1);
    const c = account(stack, "ministere-b", 1);
    const room = await roomBetween(stack, a, c, "private", name);
    roomId = room.roomId;
    chloeHttp = room.guest;
    otherRoomId = await room.owner.createRoom(
      createRoomRequest({ type: "private", creatorUserId: room.owner.userId, name: "Notes" }),
    );
    elsewhere = await startWidgetServer();
    [alice, chloe] = await Promise.all([openKillableClient(stack, a), openClient(stack, c)]);
    await Promise.all([loginAndOpen(alice, roomId), loginAndOpen(chloe, roomId)]);
  });
  afterAll(async () => {
    for (const u of [alice, chloe]) {
      if (u?.errors.length) console.log(`${u.account.email} errors:`, redactedErrors(u));
      await u?.close().catch(() => undefined);
    }
    await elsewhere?.close();
  });

  it("A starts a video call; B sees the banner with A in it", async () => {
    await startVideoCall(alice.page);
    await dockedCall(alice.page).waitFor({ timeout: 30_000 });
    const banner = callBanner(chloe.page);
    await banner.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => bannerParticipants(chloe.page), { timeout: 30_000 })
      .toEqual([alice.account.displayName]);
  });

  it("B joins and each decodes the other's video, end-to-end encrypted", async () => {
    await callBanner(chloe.page).getByRole("button", { name: "Rejoindre" }).click();
    await dockedCall(chloe.page).waitFor({ timeout: 30_000 });
    const [onAlice, onChloe] = await Promise.all([
      waitForRemoteVideo(alice.page),
      waitForRemoteVideo(chloe.page),
    ]);
    expect(onAlice.frameWidth).toBeGreaterThan(0);
    expect(onChloe.frameWidth).toBeGreaterThan(0);
    await expect.poll(() => dockedCount(alice.page), { timeout: 30_000 }).toBe(2);
    // The room is encrypted, so Element Call runs per-participant E2EE: its media goes
    // through encoded transforms (the SFU only ever forwards ciphertext).
    for (const page of [alice.page, chloe.page]) {
      const t = await e2eeMediaTransforms(await waitForElementCallFrame(page));
      expect(t.insertableStreamsPcs + t.transformedSenders).toBeGreaterThan(0);
    }
  });

  it("the call stays alive in a floating view while A reads another room, and docks back", async () => {
    const frame = await waitForElementCallFrame(alice.page);
    // Marks this very document: a reloaded iframe (dropped call) would lose it.
    await frame.evaluate(() => ((window as unknown as { __same?: boolean }).__same = true));
    await openRoomById(alice.page, otherRoomId);
    const floating = alice.page.getByRole("region", { name: `Appel dans ${name}` });
    await floating.waitFor();
    expect(await floating.getAttribute("class")).toContain("call-frame-floating");
    expect(await dockedCall(alice.page).count()).toBe(0);
    const before = await totalFramesDecoded(frame);
    await expect.poll(() => totalFramesDecoded(frame), { timeout: 20_000 }).toBeGreaterThan(before);
    await floating.getByRole("button", { name: "Revenir à l'appel" }).click();
    await dockedCall(alice.page).waitFor();
    expect(await frame.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(
      true,
    );
  });

  it("B leaves and A's participant count drops", async () => {
    await dockedCall(chloe.page).getByRole("button", { name: "Raccrocher" }).click();
    await expect.poll(() => dockedCount(alice.page), { timeout: 30_000 }).toBe(1);
    // B is back to the banner, which still shows A's call.
    await callBanner(chloe.page).waitFor({ timeout: 30_000 });
    expect(await dockedCall(chloe.page).count()).toBe(0);
  });

  it("drops widget-API messages that claim to be our call widget but come from another origin", async () => {
    const live = (await aliceMemberships()).find((e) => Object.keys(e.content).length > 0);
    expect(live).toBeDefined();
    const widgetId = await alice.page.locator("iframe.call-iframe").getAttribute("data-widget-id");
    // A page of another origin inside the client (as a room widget would be) forges the call
    // widget's "leave" (an empty membership it is entitled to write).
    await alice.page.evaluate((src) => {
      const f = document.createElement("iframe");
      f.src = src;
      f.id = "forger";
      document.body.appendChild(f);
    }, `${elsewhere.origin}/forger`);
    let forger: Frame | undefined;
    await expect
      .poll(() => (forger = alice.page.frames().find((f) => f.url().startsWith(elsewhere.origin))))
      .toBeDefined();
    await forger!.evaluate(
      ([id, key]) =>
        window.parent.postMessage(
          {
            api: "fromWidget",
            widgetId: id,
            requestId: "forged-1",
            action: "send_event",
            data: { type: "org.matrix.msc3401.call.member", state_key: key, content: {} },
          },
          "*",
        ),
      [widgetId, live!.state_key] as const,
    );
    await alice.page.waitForTimeout(3_000);
    // Had it got through, the history would hold an empty membership (Element Call would
    // then re-join at once, so the current state alone proves nothing).
    expect(await emptyMemberships(live!.state_key)).toBe(0);
    expect(await dockedCall(alice.page).count()).toBe(1);
  });

  it("A's browser dies: the homeserver's delayed event removes A from the call within 30 s", async () => {
    const aliceId = alice.account.userId;
    const live = (await aliceMemberships()).filter((e) => Object.keys(e.content).length > 0);
    expect(live).toHaveLength(1);
    await alice.kill();
    // The banner on B's screen empties on its own: nobody sent a hang-up.
    await callBanner(chloe.page).waitFor({ state: "detached", timeout: 30_000 });
    const after = (await aliceMemberships()).find((e) => e.state_key === live[0]!.state_key);
    expect(after?.content).toEqual({});
    // Written by A's own homeserver on A's behalf: the scheduled (delayed) leave event.
    expect(after?.sender).toBe(aliceId);
  });
});
