import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  callBanner,
  dockedCall,
  dockedCount,
  loginAndOpen,
  redactedErrors,
  openKillableClient,
  roomBetween,
  startVideoCall,
  waitForRemoteVideo,
  type KillableUser,
} from "./support/calls.ts";
import { e2eeMediaTransforms, waitForElementCallFrame } from "./support/element-call-probe.ts";
import { account, openClient, type WebUser } from "./support/web-client.ts";
import type { TestClient } from "../support/matrix-test-client.ts";

/**
 * Two officials of two agencies in an encrypted private room call each other with our
 * embedded Element Call: start, banner, join, each decodes the other's video, leave, and a
 * call member who vanishes (browser killed) is removed by the homeserver's delayed event.
 */
const stack = inject("stack");
const CALL_MEMBER = "org.matrix.msc3401.call.member";
let alice: KillableUser; // ministere-a, the caller; her browser is killed at the end
let chloe: WebUser; // ministere-b
let roomId: string;
let chloeHttp: TestClient;
const name = `Réunion de crise ${Date.now().toString(36)}`;

describe("video call in an encrypted room across agencies", () => {
  beforeAll(async () => {
    const a = account(stack, "ministere-a", 1);
    const c = account(stack, "ministere-b", 1);
    const room = await roomBetween(stack, a, c, "private", name);
    roomId = room.roomId;
    chloeHttp = room.guest;
    [alice, chloe] = await Promise.all([openKillableClient(stack, a), openClient(stack, c)]);
    await Promise.all([loginAndOpen(alice, roomId), loginAndOpen(chloe, roomId)]);
  });
  afterAll(async () => {
    for (const u of [alice, chloe]) {
      if (u?.errors.length) console.log(`${u.account.email} errors:`, redactedErrors(u));
      await u?.close().catch(() => undefined);
    }
  });

  it("A starts a video call; B sees the banner with A in it", async () => {
    await startVideoCall(alice.page);
    await dockedCall(alice.page).waitFor({ timeout: 30_000 });
    const banner = callBanner(chloe.page);
    await banner.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => banner.locator("li").allTextContents(), { timeout: 30_000 })
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

  it("B leaves and A's participant count drops", async () => {
    await dockedCall(chloe.page).getByRole("button", { name: "Raccrocher" }).click();
    await expect.poll(() => dockedCount(alice.page), { timeout: 30_000 }).toBe(1);
    // B is back to the banner, which still shows A's call.
    await callBanner(chloe.page).waitFor({ timeout: 30_000 });
    expect(await dockedCall(chloe.page).count()).toBe(0);
  });

  it("A's browser dies: the homeserver's delayed event removes A from the call within 30 s", async () => {
    const aliceId = alice.account.userId;
    const memberKeys = async () => {
      const state = await chloeHttp.request<
        { type: string; state_key: string; sender: string; content: Record<string, unknown> }[]
      >(`/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`);
      return state.filter((e) => e.type === CALL_MEMBER && e.state_key.includes(aliceId));
    };
    const live = (await memberKeys()).filter((e) => Object.keys(e.content).length > 0);
    expect(live).toHaveLength(1);
    await alice.kill();
    // The banner on B's screen empties on its own: nobody sent a hang-up.
    await callBanner(chloe.page).waitFor({ state: "detached", timeout: 30_000 });
    const after = (await memberKeys()).find((e) => e.state_key === live[0]!.state_key);
    expect(after?.content).toEqual({});
    // Written by A's own homeserver on A's behalf: the scheduled (delayed) leave event.
    expect(after?.sender).toBe(aliceId);
  });
});
