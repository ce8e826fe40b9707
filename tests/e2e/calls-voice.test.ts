import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import {
  bannerParticipants,
  callBanner,
  dockedCall,
  dockedCount,
  loginAndOpen,
  redactedErrors,
  roomBetween,
} from "./support/calls.ts";
import { mediaFlow, waitForElementCallFrame } from "./support/element-call-probe.ts";
import { account, openClient, type WebUser } from "./support/web-client.ts";

/**
 * The voice-call button: a call with the camera off. The other agency's member sees the
 * participant in the banner, joins, and hears them, with no video coming from either side.
 */
const stack = inject("stack");
let alice: WebUser; // ministere-a, starts the voice call
let chloe: WebUser; // ministere-b, joins it
let roomId: string;

const flowOf = async (page: Page) => mediaFlow(await waitForElementCallFrame(page));

describe("voice call", () => {
  beforeAll(async () => {
    const a = account(stack, "ministere-a", 0);
    const c = account(stack, "ministere-b", 0);
    roomId = (await roomBetween(stack, a, c, "private", `Point audio ${Date.now().toString(36)}`))
      .roomId;
    [alice, chloe] = await Promise.all([openClient(stack, a), openClient(stack, c)]);
    await Promise.all([loginAndOpen(alice, roomId), loginAndOpen(chloe, roomId)]);
  });
  afterAll(async () => {
    for (const u of [alice, chloe]) {
      if (u?.errors.length) console.log(`${u.account.email} errors:`, redactedErrors(u));
      await u?.close();
    }
  });

  it("starts with the camera off; the other side sees the participant and hears them", async () => {
    await alice.page.getByRole("button", { name: "Démarrer un appel audio" }).click();
    await dockedCall(alice.page).waitFor({ timeout: 30_000 });
    const banner = callBanner(chloe.page);
    await banner.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => bannerParticipants(chloe.page), { timeout: 30_000 })
      .toEqual([alice.account.displayName]);
    await banner.getByRole("button", { name: "Rejoindre" }).click();
    await dockedCall(chloe.page).waitFor({ timeout: 30_000 });
    await expect.poll(() => dockedCount(chloe.page), { timeout: 30_000 }).toBe(2);

    // Sound (the fake microphone's tone) reaches the other side, decrypted and not silent.
    await expect
      .poll(async () => (await flowOf(chloe.page)).inboundAudioPackets, { timeout: 60_000 })
      .toBeGreaterThan(100);
    await expect
      .poll(async () => (await flowOf(chloe.page)).inboundAudioEnergy, { timeout: 30_000 })
      .toBeGreaterThan(0);
    // Give video every chance to show up: none is sent or received, on either side.
    await chloe.page.waitForTimeout(3_000);
    const [onAlice, onChloe] = await Promise.all([flowOf(alice.page), flowOf(chloe.page)]);
    expect(onAlice.outboundAudioPackets).toBeGreaterThan(0);
    expect(onAlice.outboundVideoFramesEncoded).toBe(0);
    expect(onChloe.inboundVideoFramesDecoded).toBe(0);
    expect(onChloe.outboundVideoFramesEncoded).toBe(0);
  });

  it("hanging up leaves the call", async () => {
    await dockedCall(alice.page).getByRole("button", { name: "Raccrocher" }).click();
    await dockedCall(alice.page).waitFor({ state: "detached", timeout: 30_000 });
    await expect.poll(() => dockedCount(chloe.page), { timeout: 30_000 }).toBe(1);
  });
});
