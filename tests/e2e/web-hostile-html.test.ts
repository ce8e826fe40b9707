import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import { HOSTILE_HTML } from "./support/hostile-html.ts";
import {
  acceptInvite,
  account,
  loginAndWait,
  message,
  openClient,
  type WebUser,
} from "./support/web-client.ts";

/**
 * Others' HTML goes through the allow-list sanitizer: a corpus of hostile `formatted_body`
 * payloads, sent through the API by a user of another agency, must run nothing and leave the
 * page's layout where it was.
 */
const stack = inject("stack");
let reader: WebUser;

describe("hostile HTML in messages", () => {
  beforeAll(async () => {
    reader = await openClient(stack, account(stack, "ministere-b", 1));
  });
  afterAll(async () => {
    await reader?.close();
  });

  it(`renders ${HOSTILE_HTML.length} hostile payloads without executing or breaking layout`, async () => {
    expect(HOSTILE_HTML.length).toBeGreaterThanOrEqual(50);
    const page = reader.page;
    const pwned: unknown[] = [];
    const dialogs: string[] = [];
    await page.exposeFunction("__reportPwned", (n: unknown) => pwned.push(n));
    await page.addInitScript(() => {
      (window as unknown as { __pwned: (n: unknown) => void }).__pwned = (n) =>
        (window as unknown as { __reportPwned: (n: unknown) => void }).__reportPwned(n);
    });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.reload();
    await loginAndWait(reader);

    const sender = await TestClient.demo(stack, "ministere-a", 1);
    const name = `Corpus ${Date.now().toString(36)}`;
    const roomId = await sender.createRoom({
      ...createRoomRequest({ type: "forum", creatorUserId: sender.userId, name }),
      visibility: "private",
    });
    await sender.invite(roomId, reader.account.userId);
    await acceptInvite(page, name);
    await sender.send(roomId, "layout reference");
    await message(page, "layout reference").waitFor({ timeout: 30_000 });

    const box = async (selector: string) => page.locator(selector).first().boundingBox();
    const before = {
      sidebar: await box(".sidebar"),
      header: await box(".room-header"),
      composer: await box(".composer"),
    };

    for (const [i, html] of HOSTILE_HTML.entries()) {
      await sender.request(
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/hostile-${Date.now()}-${i}`,
        {
          method: "PUT",
          body: {
            msgtype: "m.text",
            body: `payload ${i}`,
            format: "org.matrix.custom.html",
            formatted_body: html,
          },
        },
      );
    }
    await sender.send(roomId, "corpus done");
    await message(page, "corpus done").waitFor({ timeout: 60_000 });
    // Give event handlers, timers and lazy loads a moment to fire if anything slipped through.
    await page.mouse.move(600, 300);
    await page.keyboard.press("Tab");
    await page.waitForTimeout(1500);

    expect(pwned).toEqual([]);
    expect(dialogs).toEqual([]);
    const found = await page.evaluate(() => {
      const bodies = [...document.querySelectorAll(".message .body.html")];
      const bad: string[] = [];
      const forbidden =
        "script,iframe,object,embed,svg,math,style,link,meta,base,img,form,input,button,textarea,template,video,audio,marquee,title,noscript,isindex,x";
      for (const b of bodies) {
        for (const el of b.querySelectorAll(forbidden)) bad.push(`<${el.tagName.toLowerCase()}>`);
        for (const el of b.querySelectorAll("*")) {
          for (const a of el.attributes) {
            if (
              a.name.startsWith("on") ||
              ["style", "class", "id", "src", "srcdoc", "formaction"].includes(a.name)
            )
              bad.push(`${el.tagName.toLowerCase()}[${a.name}]`);
            if (a.name === "href" && !/^(https?:|mailto:)/i.test(a.value))
              bad.push(`href=${a.value}`);
          }
        }
      }
      return {
        count: bodies.length,
        bad,
        rootChildren: document.getElementById("root")?.childElementCount,
      };
    });
    expect(found.bad).toEqual([]);
    expect(found.count).toBeGreaterThanOrEqual(50);

    const after = {
      sidebar: await box(".sidebar"),
      header: await box(".room-header"),
      composer: await box(".composer"),
    };
    expect(after).toEqual(before);
    const viewport = page.viewportSize()!;
    const timeline = (await box(".timeline"))!;
    const overflow = await page.evaluate(
      (maxRight) =>
        [...document.querySelectorAll(".message")].filter(
          (m) => m.getBoundingClientRect().right > maxRight + 1,
        ).length,
      timeline.x + timeline.width,
    );
    expect(overflow).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      viewport.width,
    );
    expect(reader.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
    await page.screenshot({ path: ".local/web-e2e-hostile.png" });
  });
});
