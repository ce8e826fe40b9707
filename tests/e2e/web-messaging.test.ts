import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  acceptInvite,
  account,
  createRoom,
  expectNoUnableToDecrypt,
  inviteByEmail,
  loginAndWait,
  login,
  message,
  openClient,
  openRoom,
  send,
  tinyPng,
  type WebUser,
} from "./support/web-client.ts";

/**
 * Two officials of different agencies, each in their own browser, use the web client:
 * e-mail login, an encrypted private room across the federation, replies, edits, reactions,
 * an image, a forum, a DM, reload and logout.
 */
const stack = inject("stack");
let alice: WebUser; // ministere-a
let chloe: WebUser; // ministere-b
const stamp = Date.now().toString(36);

describe("web client across agencies", () => {
  beforeAll(async () => {
    [alice, chloe] = await Promise.all([
      openClient(stack, account(stack, "ministere-a", 0)),
      openClient(stack, account(stack, "ministere-b", 0)),
    ]);
  });
  afterAll(async () => {
    if (alice?.errors.length) console.log("alice errors:", alice.errors.slice(0, 10));
    if (chloe?.errors.length) console.log("chloe errors:", chloe.errors.slice(0, 10));
    await alice?.close();
    await chloe?.close();
  });

  it("explains login failures distinctly", async () => {
    const p = alice.page;
    await login(p, alice.account.email, "not-the-password");
    await expect
      .poll(() => p.getByRole("alert").getAttribute("data-code"), { timeout: 20_000 })
      .toBe("WRONG_PASSWORD");
    await expect
      .poll(() => p.getByRole("alert").textContent(), { timeout: 20_000 })
      .toBe("Mot de passe incorrect.");
    await login(p, `personne.inconnue-${stamp}@ministere-a.gouv.fr`, "whatever");
    await expect
      .poll(() => p.getByRole("alert").getAttribute("data-code"), { timeout: 20_000 })
      .toBe("UNKNOWN_ACCOUNT");
    await login(p, "@someone:nowhere.localhost", "whatever");
    await expect
      .poll(() => p.getByRole("alert").getAttribute("data-code"), { timeout: 20_000 })
      .toBe("HOMESERVER_UNREACHABLE");
  });

  it("logs both users in by e-mail and shows their agency", async () => {
    await Promise.all([loginAndWait(alice), loginAndWait(chloe)]);
    await expect
      .poll(() => alice.page.locator(".me .agency").textContent(), { timeout: 20_000 })
      .toBe("Min. A");
    await expect
      .poll(() => chloe.page.locator(".me .agency").textContent(), { timeout: 20_000 })
      .toBe("Min. B");
  });

  const roomName = `Projet interministériel ${stamp}`;
  it("creates an encrypted private room, invites across agencies, exchanges messages", async () => {
    await createRoom(alice.page, roomName, "Salon privé");
    await alice.page.getByText("Chiffré", { exact: false }).first().waitFor();
    await inviteByEmail(alice.page, chloe.account.email, "Chloé Bernard");
    await acceptInvite(chloe.page, roomName);
    expect(await chloe.page.locator(".room-header .e2e").count()).toBe(1);

    await send(alice.page, "Bonjour **Chloé**, voici le _projet_");
    const onChloe = message(chloe.page, "voici le");
    await onChloe.waitFor({ timeout: 30_000 });
    expect(await onChloe.locator("strong").textContent()).toBe("Chloé");
    expect(await onChloe.locator(".agency").textContent()).toBe("Min. A");

    await send(chloe.page, "Bien reçu, merci !");
    await message(alice.page, "Bien reçu").waitFor({ timeout: 30_000 });
    await expectNoUnableToDecrypt(alice.page);
    await expectNoUnableToDecrypt(chloe.page);
  });

  it("replies, edits and reacts", async () => {
    const original = message(chloe.page, "voici le").first();
    await original.focus();
    await original.getByRole("button", { name: "Répondre" }).click();
    await send(chloe.page, "Je relis ce soir");
    const reply = message(alice.page, "Je relis ce soir");
    await reply.waitFor({ timeout: 30_000 });
    expect(await reply.locator(".reply-quote").textContent()).toContain("voici le");

    const mine = alice.page.locator("li.message.mine", { hasText: "voici le" });
    await mine.focus();
    await mine.getByRole("button", { name: "Modifier" }).click();
    await send(alice.page, "Bonjour Chloé, voici la version 2");
    const edited = chloe.page.locator("li.message:not(.mine)", { hasText: "version 2" });
    await edited.waitFor({ timeout: 30_000 });
    expect(await edited.locator(".edited").count()).toBe(1);

    await edited.focus();
    await edited.getByRole("button", { name: "Réagir avec 👍" }).click();
    await alice.page
      .locator("li.message", { hasText: "version 2" })
      .getByRole("button", { name: "👍 : 1" })
      .waitFor({ timeout: 30_000 });
  });

  it("shares an image the other agency sees as a thumbnail, full size on demand", async () => {
    await alice.page.getByTestId("file-input").setInputFiles({
      name: "schema.png",
      mimeType: "image/png",
      buffer: tinyPng(1600, 1200),
    });
    const img = chloe.page.locator("li.message img.thumb[alt='schema.png']");
    await img.waitFor({ timeout: 30_000 });
    // The event carries the sender's encrypted thumbnail (info.thumbnail_file, its own key).
    expect(await img.getAttribute("data-preview")).toBe("thumbnail_file");
    const natural = (el: Element) => {
      const i = el as HTMLImageElement;
      return i.complete ? [i.naturalWidth, i.naturalHeight] : [0, 0];
    };
    await expect.poll(() => img.evaluate(natural), { timeout: 20_000 }).toEqual([800, 600]);
    await expectNoUnableToDecrypt(chloe.page);
    await chloe.page.screenshot({ path: ".local/web-e2e-chloe-private-room.png" });

    await chloe.page.getByRole("button", { name: "Ouvrir l'image schema.png en grand" }).click();
    const full = chloe.page.locator("dialog img.full[alt='schema.png']");
    await full.waitFor({ timeout: 30_000 });
    await expect.poll(() => full.evaluate(natural), { timeout: 20_000 }).toEqual([1600, 1200]);
    await chloe.page.keyboard.press("Escape");
    await full.waitFor({ state: "detached" });
    await chloe.page.getByRole("button", { name: "Télécharger schema.png" }).waitFor();
  });

  it("cancels an upload in progress: nothing is sent, the next message goes through", async () => {
    const p = alice.page;
    // Loopback uploads finish in a blink: throttle Alice's uploads so there is time to cancel.
    const cdp = await p.context().newCDPSession(p);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 2 * 1024 * 1024,
    });
    // Generated here (random, so nothing can compress it); a path, not a 30 MB protocol message.
    const big = join(await mkdtemp(join(tmpdir(), "web-e2e-")), "archive-lourde.bin");
    await writeFile(big, randomBytes(30 * 1024 * 1024));
    try {
      await p.getByTestId("file-input").setInputFiles(big);
      const progress = p.getByRole("progressbar", { name: "Envoi de archive-lourde.bin" });
      await expect
        .poll(async () => Number(await progress.getAttribute("value")), { timeout: 30_000 })
        .toBeGreaterThan(0);
      await p.getByRole("button", { name: "Annuler l'envoi de archive-lourde.bin" }).click();
      await progress.waitFor({ state: "detached", timeout: 5_000 });
    } finally {
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await cdp.detach();
      await rm(dirname(big), { recursive: true, force: true });
    }
    await send(p, "Fichier annulé, je vous l'envoie autrement");
    await message(chloe.page, "je vous l'envoie autrement").waitFor({ timeout: 30_000 });
    // Give a late send every chance to show up, then check neither side has it.
    await chloe.page.waitForTimeout(3_000);
    expect(await message(chloe.page, "archive-lourde.bin").count()).toBe(0);
    expect(await message(p, "archive-lourde.bin").count()).toBe(0);
  });

  it("runs a forum room (not encrypted)", async () => {
    const forum = `Forum ${stamp}`;
    await createRoom(alice.page, forum, "Forum");
    expect(await alice.page.locator(".room-header .e2e").count()).toBe(0);
    await inviteByEmail(alice.page, chloe.account.email, "Chloé Bernard");
    await acceptInvite(chloe.page, forum);
    await send(chloe.page, "Première question au forum");
    await message(alice.page, "Première question au forum").waitFor({ timeout: 30_000 });
    // A clear image without a sender thumbnail: the server's thumbnailer (authenticated).
    await chloe.page.getByTestId("file-input").setInputFiles({
      name: "petit.png",
      mimeType: "image/png",
      buffer: tinyPng(),
    });
    const img = alice.page.locator("li.message img.thumb[alt='petit.png']");
    await img.waitFor({ timeout: 30_000 });
    expect(await img.getAttribute("data-preview")).toBe("server");
    await expect
      .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 20_000 })
      .toBeGreaterThan(0);
  });

  it("starts an encrypted DM with someone of another agency", async () => {
    const p = chloe.page;
    await p.getByRole("button", { name: "Nouvelle conversation" }).click();
    await p.getByLabel("Adresse e-mail, identifiant Matrix ou nom").fill(alice.account.email);
    await p.getByRole("button", { name: "Rechercher" }).click();
    await p.getByRole("button", { name: "Écrire Alice Martin" }).click();
    await p.locator(".room-header .e2e").waitFor({ timeout: 30_000 });
    // Other test files may already have left DMs between these two demo users: follow this one.
    const dmId = await p.locator("button.room-row[aria-current=true]").getAttribute("data-room-id");
    expect(dmId).toMatch(/^!/);
    await send(p, "Un mot en privé");

    const invite = alice.page.locator(`li.invite[data-room-id="${dmId}"]`);
    await invite.waitFor({ timeout: 60_000 });
    expect(await invite.locator(".agency").textContent()).toBe("Min. B");
    await invite.getByRole("button", { name: "Accepter" }).click();
    await message(alice.page, "Un mot en privé").waitFor({ timeout: 60_000 });
    await send(alice.page, "Reçu en privé");
    await message(p, "Reçu en privé").waitFor({ timeout: 30_000 });
    await expectNoUnableToDecrypt(alice.page);
    await expectNoUnableToDecrypt(p);
    const dmRow = alice.page.locator(`button.room-row[data-room-id="${dmId}"]`);
    expect(await dmRow.locator(".room-name").textContent()).toBe("Chloé Bernard");
    expect(await dmRow.locator(".agency").textContent()).toBe("Min. B");
  });

  it("mentions someone of another agency by display name: a link, a badge, a highlight", async () => {
    // Chloé stays in the DM while Alice writes in their private room.
    const p = alice.page;
    await openRoom(p, roomName);
    const box = p.getByLabel("Écrire un message");
    await box.pressSequentially("@chl");
    const list = p.getByRole("listbox", { name: "Personnes du salon à mentionner" });
    await list.waitFor();
    expect(await list.getByRole("option").allTextContents()).toEqual(["Chloé BernardMin. B"]);
    await box.press("Escape");
    await list.waitFor({ state: "detached" });
    expect(await box.inputValue()).toBe("@chl");
    await box.fill("");
    await box.pressSequentially("Merci @Ber");
    await list.waitFor();
    await box.press("ArrowDown"); // wraps around the one option: still Chloé
    expect(await list.getByRole("option", { selected: true }).textContent()).toContain("Chloé");
    await box.press("Enter");
    await list.waitFor({ state: "detached" });
    expect(await box.inputValue()).toBe("Merci Chloé Bernard ");
    await box.pressSequentially("pour la relecture");
    await box.press("Enter");

    const row = chloe.page.locator("button.room-row", { hasText: roomName });
    await expect
      .poll(
        () =>
          row
            .locator(".badge.mention")
            .getAttribute("aria-label")
            .catch(() => null),
        {
          timeout: 30_000,
        },
      )
      .toBe("1 mention");
    await openRoom(chloe.page, roomName);
    const mention = chloe.page.locator("li.message.mentions-me", { hasText: "pour la relecture" });
    await mention.waitFor({ timeout: 30_000 });
    const link = mention.locator(`a[href="https://matrix.to/#/${chloe.account.userId}"]`);
    expect(await link.textContent()).toBe("Chloé Bernard");
    expect(await mention.locator(".mention-tag").textContent()).toBe("vous mentionne");
    // Alice's own copy is not highlighted for her.
    const mine = p.locator("li.message.mine", { hasText: "pour la relecture" });
    await mine.waitFor();
    expect(await mine.getAttribute("class")).not.toContain("mentions-me");
  });

  it("keeps the session over a reload and decrypts history", async () => {
    await chloe.page.reload();
    await chloe.page
      .getByRole("navigation", { name: "Liste des salons" })
      .waitFor({ timeout: 60_000 });
    await chloe.page.locator("button.room-row", { hasText: roomName }).click();
    await chloe.page
      .locator("li.message:not(.mine)", { hasText: "version 2" })
      .waitFor({ timeout: 30_000 });
    await expectNoUnableToDecrypt(chloe.page);
  });

  it("logout removes every local trace", async () => {
    const p = alice.page;
    await p.getByRole("button", { name: "Se déconnecter" }).click();
    // Every key is in the backup by now: no warning dialog, straight to the login screen.
    const loginButton = p.getByRole("button", { name: "Se connecter" });
    await loginButton.or(p.getByRole("dialog")).first().waitFor({ timeout: 30_000 });
    expect(await p.getByRole("dialog").allTextContents()).toEqual([]);
    await loginButton.waitFor({ timeout: 30_000 });
    const left = await p.evaluate(async () => ({
      storage: localStorage.length,
      dbs: (await indexedDB.databases()).map((d) => d.name),
    }));
    expect(left).toEqual({ storage: 0, dbs: [] });
  });
});
