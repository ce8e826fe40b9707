import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Frame, Page } from "playwright-core";
import { loginAndOpen, redactedErrors, roomBetween } from "./support/calls.ts";
import { startWidgetServer, type WidgetServer } from "./support/third-party-widget.ts";
import { account, openClient, type WebUser } from "./support/web-client.ts";
import type { TestClient } from "../support/matrix-test-client.ts";

/**
 * A widget someone adds to a room is a third party: it can be opened only if it comes from an
 * origin the deployment allows (runtime config `widgetOrigins`; the local stack allows its
 * loopback widget pages), and it gets no capability unless the user approves what it asks
 * for, and then only that.
 */
const stack = inject("stack");
let alice: WebUser;
let owner: TestClient;
let roomId: string;
let widgets: WidgetServer;
const stamp = Date.now().toString(36);

async function widgetFrame(page: Page, origin: string): Promise<Frame> {
  for (let i = 0; i < 300; i++) {
    const f = page.frames().find((fr) => fr.url().startsWith(origin));
    if (f) return f;
    await page.waitForTimeout(100);
  }
  throw new Error("the widget's frame never appeared");
}

async function widgetResult(
  frame: Frame,
): Promise<{ granted: string[]; sent: boolean; error?: string }> {
  const handle = await frame.waitForFunction(() => document.body.dataset.result, undefined, {
    timeout: 60_000,
  });
  return JSON.parse((await handle.jsonValue()) as string) as {
    granted: string[];
    sent: boolean;
    error?: string;
  };
}

async function roomMessages(): Promise<string[]> {
  const res = await owner.request<{ chunk: { type: string; content: { body?: string } }[] }>(
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`,
  );
  // The room is encrypted: a message the widget managed to send would show as m.room.encrypted
  // from Alice's device; plain-text bodies are checked too.
  return res.chunk.map((e) => `${e.type}:${e.content.body ?? ""}`);
}

describe("third-party widgets", () => {
  beforeAll(async () => {
    widgets = await startWidgetServer();
    const a = account(stack, "ministere-a", 1);
    const c = account(stack, "ministere-b", 0);
    const room = await roomBetween(stack, a, c, "private", `Widgets ${stamp}`);
    roomId = room.roomId;
    owner = room.owner;
    await owner.request(
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/im.vector.modular.widgets/poll-${stamp}`,
      {
        method: "PUT",
        body: {
          id: `poll-${stamp}`,
          type: "m.custom",
          name: "Sondage",
          url: widgets.templateUrl(stamp),
          data: {},
        },
      },
    );
    // A widget from an origin outside the allow-list (never fetched: it gets no iframe).
    await owner.request(
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/im.vector.modular.widgets/board-${stamp}`,
      {
        method: "PUT",
        body: {
          id: `board-${stamp}`,
          type: "m.custom",
          name: "Tableau",
          url: "https://widgets.example.org/board?room=$matrix_room_id",
          data: {},
        },
      },
    );
    alice = await openClient(stack, a);
    await loginAndOpen(alice, roomId);
  });
  afterAll(async () => {
    if (alice?.errors.length) console.log("alice errors:", redactedErrors(alice));
    await alice?.close();
    await widgets?.close();
  });

  it("shows a widget from an origin that is not allowed as such, with no iframe", async () => {
    const refused = alice.page.locator(".room-widgets .widget-refused");
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toBe(
      "Tableau : widget non autorisé (origine https://widgets.example.org)",
    );
    expect(await alice.page.getByRole("button", { name: "Ouvrir Tableau" }).count()).toBe(0);
    // The allowed one can still be opened.
    expect(await alice.page.getByRole("button", { name: "Ouvrir Sondage" }).count()).toBe(1);
    expect(await alice.page.locator('iframe[src*="widgets.example.org"]').count()).toBe(0);
    expect(alice.page.frames().some((f) => f.url().includes("widgets.example.org"))).toBe(false);
  });

  it("gets no capability when the user refuses: it cannot post", async () => {
    const before = await roomMessages();
    await alice.page.getByRole("button", { name: "Ouvrir Sondage" }).click();
    const consent = alice.page.getByRole("dialog", { name: /^Sondage \(http:\/\/127\.0\.0\.1:/ });
    await consent.waitFor({ timeout: 30_000 });
    // It asked for exactly what the widget requested, nothing pre-approved.
    expect(await consent.locator("code").allTextContents()).toEqual([
      "org.matrix.msc2762.send.event:m.room.message",
      `org.matrix.msc2762.timeline:${roomId}`,
      "m.always_on_screen",
    ]);
    await consent.getByRole("button", { name: "Tout refuser" }).click();
    const result = await widgetResult(await widgetFrame(alice.page, widgets.origin));
    expect(result.granted).toEqual([]);
    expect(result.sent).toBe(false);
    // Nothing reached the room.
    await alice.page.waitForTimeout(2_000);
    expect(await roomMessages()).toEqual(before);
    await alice.page.getByRole("button", { name: "Fermer Sondage" }).click();
  });

  it("gets exactly what the user approves", async () => {
    await alice.page.getByRole("button", { name: "Ouvrir Sondage" }).click();
    const consent = alice.page.getByRole("dialog", { name: /^Sondage / });
    await consent.waitFor({ timeout: 30_000 });
    await consent
      .getByRole("checkbox", { name: "org.matrix.msc2762.send.event:m.room.message" })
      .check();
    await consent.getByRole("button", { name: "Autoriser la sélection" }).click();
    const result = await widgetResult(await widgetFrame(alice.page, widgets.origin));
    expect(result.granted).toEqual(["org.matrix.msc2762.send.event:m.room.message"]);
    expect(result.sent).toBe(true);
    // Sent by Alice's client for the widget, encrypted like everything in this room.
    await expect
      .poll(
        async () => (await roomMessages()).filter((m) => m.startsWith("m.room.encrypted")).length,
      )
      .toBeGreaterThan(0);
  });
});
