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

  it("shares an image the other agency sees (encrypted, authenticated media)", async () => {
    await alice.page.getByTestId("file-input").setInputFiles({
      name: "schema.png",
      mimeType: "image/png",
      buffer: tinyPng(),
    });
    const img = chloe.page.locator("li.message img.thumb[alt='schema.png']");
    await img.waitFor({ timeout: 30_000 });
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(40);
    await expectNoUnableToDecrypt(chloe.page);
    await chloe.page.screenshot({ path: ".local/web-e2e-chloe-private-room.png" });
  });

  it("runs a forum room (not encrypted)", async () => {
    const forum = `Forum ${stamp}`;
    await createRoom(alice.page, forum, "Forum");
    expect(await alice.page.locator(".room-header .e2e").count()).toBe(0);
    await inviteByEmail(alice.page, chloe.account.email, "Chloé Bernard");
    await acceptInvite(chloe.page, forum);
    await send(chloe.page, "Première question au forum");
    await message(alice.page, "Première question au forum").waitFor({ timeout: 30_000 });
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
    await p.getByRole("button", { name: "Se connecter" }).waitFor({ timeout: 30_000 });
    const left = await p.evaluate(async () => ({
      storage: localStorage.length,
      dbs: (await indexedDB.databases()).map((d) => d.name),
    }));
    expect(left).toEqual({ storage: 0, dbs: [] });
  });
});
