import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  acceptInvite,
  account,
  chartPng,
  createRoom,
  expectNoUnableToDecrypt,
  inviteByEmail,
  loginAndWait,
  message,
  openClient,
  send,
  type WebUser,
} from "./support/web-client.ts";

/**
 * The README's screenshot of the web client (web/docs/web-room.png): a private room between
 * two agencies with messages, a reply, a reaction and an image thumbnail, as Chloé (Min. B)
 * sees it. Written to .local/ on every run; `TCHAP_UPDATE_DOCS=1` also replaces the committed
 * image.
 */
const stack = inject("stack");
let alice: WebUser;
let chloe: WebUser;

describe("README screenshot of a room between two agencies", () => {
  beforeAll(async () => {
    [alice, chloe] = await Promise.all([
      openClient(stack, account(stack, "ministere-a", 0)),
      openClient(stack, account(stack, "ministere-b", 0)),
    ]);
    await chloe.page.setViewportSize({ width: 1280, height: 800 });
    await Promise.all([loginAndWait(alice), loginAndWait(chloe)]);
  });
  afterAll(async () => {
    await alice?.close();
    await chloe?.close();
  });

  it("shows messages, a reply, a reaction and an image thumbnail", async () => {
    const room = "Plan de continuité numérique";
    await createRoom(alice.page, room, "Salon privé");
    await inviteByEmail(alice.page, chloe.account.email, "Chloé Bernard");
    await acceptInvite(chloe.page, room);

    await send(alice.page, "Bonjour Chloé, voici le **calendrier** de la migration.");
    await message(chloe.page, "calendrier").waitFor({ timeout: 30_000 });
    await alice.page.getByTestId("file-input").setInputFiles({
      name: "charge-par-trimestre.png",
      mimeType: "image/png",
      buffer: chartPng(),
    });
    const thumb = chloe.page.locator("img.thumb[alt='charge-par-trimestre.png']");
    await thumb.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => thumb.evaluate((el) => (el as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);

    const first = message(chloe.page, "calendrier");
    await first.focus();
    await first.getByRole("button", { name: "Réagir avec 👍" }).click();
    await first.getByRole("button", { name: "Répondre" }).click();
    await send(chloe.page, "Merci ! Je le partage avec l'équipe du ministère B.");
    await message(alice.page, "Je le partage").waitFor({ timeout: 30_000 });
    await send(alice.page, "Parfait, point d'étape jeudi à 10 h.");
    await message(chloe.page, "point d'étape").waitFor({ timeout: 30_000 });
    await expectNoUnableToDecrypt(chloe.page);

    // Nothing focused or hovered: the message actions stay hidden in the picture.
    await chloe.page.getByLabel("Écrire un message").focus();
    await chloe.page.mouse.move(0, 0);
    const path = ".local/web-room.png";
    await chloe.page.screenshot({ path });
    if (process.env.TCHAP_UPDATE_DOCS === "1") {
      await chloe.page.screenshot({ path: "web/docs/web-room.png" });
    }
    expect(await chloe.page.locator(".reply-quote").count()).toBe(1);
    expect(await chloe.page.locator("button.reaction").count()).toBe(1);
  });
});
