/**
 * Calls in the web client, as a user sees them: call buttons, the banner, the docked call,
 * rings; plus what only a test can do (a browser that can be killed outright, room setup over
 * plain HTTP so the test time goes to the calls themselves).
 */
import { chromium, type Browser, type BrowserServer, type Page } from "playwright-core";
import {
  createRoomRequest,
  type RoomType,
} from "../../../homeserver-config/src/policy/room-types.ts";
import type {
  StackAccount,
  StackDescription,
} from "../../../homeserver-config/src/stack/stack-description.ts";
import { TestClient } from "../../support/matrix-test-client.ts";
import { CHROMIUM_FLAGS, chromiumPath } from "./chromium.ts";
import {
  installRtcProbe,
  remoteVideoStats,
  waitForElementCallFrame,
  type RemoteVideo,
} from "./element-call-probe.ts";
import { loginAndWait, webUrl, type WebUser } from "./web-client.ts";

/** Page errors for a test log, with tokens in URLs (SFU access tokens) cut out. */
export function redactedErrors(user: WebUser | undefined, max = 8): string[] {
  return (user?.errors ?? [])
    .slice(0, max)
    .map((e) => e.replace(/(access_token|join_request)=[^&\s'"]+/g, "$1=…"));
}

/**
 * A user in a browser the test can kill like a crash or a closed laptop lid: no unload
 * handlers, sockets cut. (CDP Page.crash also takes down other browsers of the run.)
 */
export interface KillableUser extends WebUser {
  kill(): Promise<void>;
}

export async function openKillableClient(
  stack: StackDescription,
  account: StackAccount,
): Promise<KillableUser> {
  const server: BrowserServer = await chromium.launchServer({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const browser: Browser = await chromium.connect(server.wsEndpoint());
  const context = await browser.newContext();
  await installRtcProbe(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(webUrl(stack));
  const kill = () => server.kill();
  return {
    account,
    stack,
    // Only `close` of LaunchedChromium is used by callers; the context is the browser's.
    browser: { context, close: kill },
    page,
    errors,
    kill,
    close: kill,
  };
}

/** A room between two demo accounts, made over HTTP (room creation is the chat's test). */
export async function roomBetween(
  stack: StackDescription,
  a: StackAccount,
  b: StackAccount,
  type: RoomType,
  name: string,
): Promise<{ roomId: string; owner: TestClient; guest: TestClient }> {
  const owner = await TestClient.demo(stack, a.homeserver, indexOf(stack, a));
  const guest = await TestClient.demo(stack, b.homeserver, indexOf(stack, b));
  const roomId = await owner.createRoom(
    createRoomRequest({ type, creatorUserId: owner.userId, name, invite: [guest.userId] }),
  );
  await guest.waitForInvite(roomId, 60_000);
  await guest.join(roomId);
  return { roomId, owner, guest };
}

function indexOf(stack: StackDescription, a: StackAccount): number {
  return stack.accounts.filter((x) => x.homeserver === a.homeserver).indexOf(a);
}

/** Logs in and opens the room from the room list. */
export async function loginAndOpen(user: WebUser, roomId: string): Promise<void> {
  await installRtcProbe(user.browser.context);
  await loginAndWait(user);
  await openRoomById(user.page, roomId);
}

export async function openRoomById(page: Page, roomId: string): Promise<void> {
  const row = page.locator(`button.room-row[data-room-id="${roomId}"]`);
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  await page.locator(`button.room-row[data-room-id="${roomId}"][aria-current="true"]`).waitFor();
}

export const startVideoCall = (page: Page) =>
  page.getByRole("button", { name: "Démarrer un appel vidéo" }).click();

export const callBanner = (page: Page) => page.getByRole("region", { name: "Appel en cours" });
export const dockedCall = (page: Page) =>
  page.getByRole("region", { name: "Vous êtes dans l'appel" });

/** The names a call banner lists as in the call. */
export function bannerParticipants(page: Page): Promise<string[]> {
  return callBanner(page).locator("li").allTextContents();
}

/** Participants the docked call's status bar shows. */
export async function dockedCount(page: Page): Promise<number> {
  return Number(await dockedCall(page).locator(".call-count").getAttribute("data-count"));
}

/**
 * Waits until Element Call in this page decodes a remote video stream; returns its stats.
 * A plain loop (no test-runner helpers), so benchmarks can use it too.
 */
export async function waitForRemoteVideo(page: Page, timeoutMs = 90_000): Promise<RemoteVideo> {
  const deadline = Date.now() + timeoutMs;
  const frame = await waitForElementCallFrame(page, timeoutMs);
  let last: RemoteVideo[] = [];
  while (Date.now() < deadline) {
    last = await remoteVideoStats(frame).catch(() => []);
    const decoded = last.find((v) => v.framesDecoded > 5 && v.frameWidth > 0);
    if (decoded) return decoded;
    await page.waitForTimeout(500);
  }
  throw new Error(
    `no remote video decoded within ${timeoutMs} ms (last stats ${JSON.stringify(last)})`,
  );
}

/**
 * Whether the page is sounding a ring: an audible media element (not muted, volume up) that is
 * playing and whose playback position advances.
 */
export async function ringSoundPlaying(page: Page): Promise<boolean> {
  const audible = () =>
    page.evaluate(() =>
      [...document.querySelectorAll("audio")]
        .filter((a) => !a.paused && !a.ended && !a.muted && a.volume > 0 && a.readyState >= 2)
        .map((a) => a.currentTime),
    );
  const before = await audible();
  if (before.length === 0) return false;
  await page.waitForTimeout(300);
  const after = await audible();
  return after.some((t, i) => t > (before[i] ?? Infinity) || (before[i] ?? 0) > t);
}
