import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import {
  dockedCall,
  loginAndOpen,
  redactedErrors,
  ringSoundPlaying,
  roomBetween,
  startVideoCall,
  waitForRemoteVideo,
} from "./support/calls.ts";
import { installRtcProbe } from "./support/element-call-probe.ts";
import { account, loginAndWait, openClient, webUrl, type WebUser } from "./support/web-client.ts";

/**
 * A call in a DM rings the other person (MSC4075 notification sent by Element Call), who hears
 * it and can accept — both then see each other — or decline, which stops the ring on both
 * sides.
 */
const stack = inject("stack");
let alice: WebUser; // ministere-a, calls
let chloe: WebUser; // ministere-b, is called
let roomId: string;

/**
 * A desktop browser's autoplay rule: no sound from a page nobody has clicked or typed in since
 * it loaded. (Headless Chromium plays anyway, whatever --autoplay-policy says, and reports a
 * new tab of an origin the user touched elsewhere as already activated.)
 */
const REFUSE_SOUND_UNTIL_TOUCHED = `(() => {
  let touched = false;
  const touch = (e) => { if (e.isTrusted) touched = true; };
  addEventListener("pointerdown", touch, true);
  addEventListener("keydown", touch, true);
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    if (touched) return play.call(this);
    return Promise.reject(new DOMException("play() needs a user gesture", "NotAllowedError"));
  };
})()`;

const ring = (page: Page) => page.getByRole("alertdialog", { name: /^Appel vidéo de / });

describe("DM calls ring", () => {
  beforeAll(async () => {
    const a = account(stack, "ministere-a", 0);
    const c = account(stack, "ministere-b", 1);
    roomId = (await roomBetween(stack, a, c, "direct", "dm")).roomId;
    [alice, chloe] = await Promise.all([openClient(stack, a), openClient(stack, c)]);
    // The callee has no room open: the ring must reach her wherever she is.
    await installRtcProbe(chloe.browser.context);
    await Promise.all([loginAndOpen(alice, roomId), loginAndWait(chloe)]);
  });
  afterAll(async () => {
    for (const u of [alice, chloe]) {
      if (u?.errors.length) console.log(`${u.account.email} errors:`, redactedErrors(u));
      await u?.close();
    }
  });

  it("rings the other person, who accepts: both see each other", async () => {
    await startVideoCall(alice.page);
    const r = ring(chloe.page);
    await r.waitFor({ timeout: 60_000 });
    expect(await r.getAttribute("aria-label")).toContain(alice.account.displayName);
    await expect.poll(() => ringSoundPlaying(chloe.page), { timeout: 10_000 }).toBe(true);
    // Only the callee's page rings.
    expect(await ringSoundPlaying(alice.page)).toBe(false);
    await r.getByRole("button", { name: "Accepter" }).click();
    await expect.poll(() => ring(chloe.page).count()).toBe(0);
    await expect.poll(() => ringSoundPlaying(chloe.page), { timeout: 5_000 }).toBe(false);
    // Accepting opens the DM, where the call docks.
    await dockedCall(chloe.page).waitFor({ timeout: 30_000 });
    await Promise.all([waitForRemoteVideo(alice.page), waitForRemoteVideo(chloe.page)]);
    // Hang up: in a DM, Element Call leaves when the other person has left.
    await dockedCall(chloe.page).getByRole("button", { name: "Raccrocher" }).click();
    await dockedCall(alice.page).waitFor({ state: "detached", timeout: 60_000 });
  });

  it("a declined ring stops on both sides", async () => {
    await startVideoCall(alice.page);
    await dockedCall(alice.page).waitFor({ timeout: 30_000 });
    const r = ring(chloe.page);
    await r.waitFor({ timeout: 60_000 });
    await expect.poll(() => ringSoundPlaying(chloe.page), { timeout: 10_000 }).toBe(true);
    await r.getByRole("button", { name: "Refuser" }).click();
    await expect.poll(() => ring(chloe.page).count()).toBe(0);
    await expect.poll(() => ringSoundPlaying(chloe.page), { timeout: 5_000 }).toBe(false);
    // The caller's Element Call sees the decline and leaves the call by itself.
    await dockedCall(alice.page).waitFor({ state: "detached", timeout: 60_000 });
    expect(await dockedCall(chloe.page).count()).toBe(0);
  });

  it("a ring the browser will not play yet says so, and sounds at the first touch", async () => {
    // Chloe's other device, where she logged in and then opened the client again in a new tab,
    // untouched since.
    const device = await openClient(stack, chloe.account);
    await device.browser.context.addInitScript({ content: REFUSE_SOUND_UNTIL_TOUCHED });
    try {
      await loginAndWait(device);
      const page = await device.browser.context.newPage();
      await page.goto(webUrl(stack));
      await device.page.close();
      const roomList = page.getByRole("navigation", { name: "Liste des salons" });
      await roomList.waitFor({ timeout: 60_000 });
      await startVideoCall(alice.page);
      const r = ring(page);
      await r.waitFor({ timeout: 60_000 });
      const muted = r.getByRole("status");
      await expect.poll(() => muted.textContent(), { timeout: 10_000 }).toMatch(/Sonnerie muette/);
      expect(await ringSoundPlaying(page)).toBe(false);
      // Any click on the page (here the room list) lets the ring sound.
      await roomList.click();
      await expect.poll(() => ringSoundPlaying(page), { timeout: 10_000 }).toBe(true);
      expect(await muted.count()).toBe(0);
      await r.getByRole("button", { name: "Refuser" }).click();
      await expect.poll(() => ringSoundPlaying(page), { timeout: 5_000 }).toBe(false);
      await dockedCall(alice.page).waitFor({ state: "detached", timeout: 60_000 });
    } finally {
      await device.close();
    }
  });
});
