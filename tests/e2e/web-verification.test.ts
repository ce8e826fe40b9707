import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SAS_EMOJI } from "../../web/src/encryption/sas-emoji.ts";
import { docScreenshot } from "./support/doc-screenshot.ts";
import { freshAccount } from "./support/fresh-account.ts";
import { resetIdentity } from "./support/identity-reset.ts";
import {
  login,
  loginAndWait,
  message,
  openClient,
  openRoom,
  send,
  type WebUser,
} from "./support/web-client.ts";

/**
 * Two officials of different agencies verify each other by comparing emoji in their DM, each in
 * their own browser, then one of them gets a new identity: the other is warned before writing.
 * Fresh accounts, as the identity reset must not touch the demo accounts other files use.
 */
const stack = inject("stack");
let alice: WebUser; // ministere-a
let chloe: WebUser; // ministere-b
let aliceLaptop: WebUser; // Alice's second browser
let dmId: string;

const FRENCH_NAMES = new Set(SAS_EMOJI.map((e) => e[2]));

function verificationDialog(p: Page) {
  return p.getByRole("dialog", { name: "Vérification" });
}

/** The seven emoji as the page lists them, each "emoji + French name". */
async function shownEmoji(p: Page): Promise<string[]> {
  const list = verificationDialog(p).getByRole("list", { name: "Emoji à comparer" });
  await list.waitFor({ timeout: 60_000 });
  return list.getByRole("listitem").allTextContents();
}

function dmHeader(p: Page) {
  return p.locator(".room-header");
}

describe("verifying people across agencies", () => {
  beforeAll(async () => {
    const [a, c] = await Promise.all([
      freshAccount(stack, "ministere-a", "Aurore", "Lemaire"),
      freshAccount(stack, "ministere-b", "Clémence", "Girard"),
    ]);
    [alice, chloe] = await Promise.all([openClient(stack, a), openClient(stack, c)]);
    await alice.page.setViewportSize({ width: 1280, height: 800 });
    // First device of each account: encryption (cross-signing included) is set up at login.
    await Promise.all([loginAndWait(alice), loginAndWait(chloe)]);
  });
  afterAll(async () => {
    for (const u of [alice, chloe, aliceLaptop]) {
      if (u?.errors.length) console.log(`${u.account.userId} errors:`, u.errors.slice(0, 10));
      await u?.close();
    }
  });

  it("opens an encrypted DM across agencies", async () => {
    const p = alice.page;
    await p.getByRole("button", { name: "Nouvelle conversation" }).click();
    await p.getByLabel("Adresse e-mail, identifiant Matrix ou nom").fill(chloe.account.email);
    await p.getByRole("button", { name: "Rechercher" }).click();
    await p.getByRole("button", { name: `Écrire ${chloe.account.displayName}` }).click();
    await p.locator(".room-header .e2e").waitFor({ timeout: 30_000 });
    dmId = (await p.locator("button.room-row[aria-current=true]").getAttribute("data-room-id"))!;
    const invite = chloe.page.locator(`li.invite[data-room-id="${dmId}"]`);
    await invite.waitFor({ timeout: 60_000 });
    await invite.getByRole("button", { name: "Accepter" }).click();
    await chloe.page
      .locator(`button.room-row[aria-current=true][data-room-id="${dmId}"]`)
      .waitFor({ timeout: 60_000 });
    await send(chloe.page, "Bonjour, vérifions-nous");
    await message(p, "Bonjour, vérifions-nous").waitFor({ timeout: 60_000 });
  });

  it("verifies each other by comparing the same seven emoji, named in French", async () => {
    const name = chloe.account.displayName;
    await alice.page.getByRole("button", { name: `Vérifier ${name}` }).click();
    await verificationDialog(alice.page)
      .getByText(`Demande envoyée à ${name}`)
      .waitFor({ timeout: 10_000 });

    const incoming = verificationDialog(chloe.page);
    await incoming.getByText(alice.account.displayName).waitFor({ timeout: 60_000 });
    await incoming.getByRole("button", { name: "Accepter" }).click();

    const [aliceEmoji, chloeEmoji] = await Promise.all([
      shownEmoji(alice.page),
      shownEmoji(chloe.page),
    ]);
    expect(aliceEmoji).toHaveLength(7);
    expect(chloeEmoji).toEqual(aliceEmoji);
    await docScreenshot(alice.page, "encryption-verification.png");
    const names = await verificationDialog(alice.page).locator(".sas-name").allTextContents();
    expect(names.every((n) => FRENCH_NAMES.has(n))).toBe(true);

    await verificationDialog(alice.page).getByRole("button", { name: "Ils correspondent" }).click();
    await verificationDialog(chloe.page).getByRole("button", { name: "Ils correspondent" }).click();
    await verificationDialog(alice.page)
      .getByText(`${name} est vérifié(e)`)
      .waitFor({ timeout: 60_000 });
    await verificationDialog(chloe.page)
      .getByText(`${alice.account.displayName} est vérifié(e)`)
      .waitFor({ timeout: 60_000 });
    for (const p of [alice.page, chloe.page]) {
      await verificationDialog(p).getByRole("button", { name: "Fermer" }).click();
      await verificationDialog(p).waitFor({ state: "detached" });
      // Each sees the other as verified, in the DM's header and in the member list.
      await dmHeader(p).getByText("Vérifié", { exact: true }).waitFor({ timeout: 30_000 });
      expect(
        await dmHeader(p)
          .getByRole("button", { name: /^Vérifier / })
          .count(),
      ).toBe(0);
    }
    await alice.page.getByRole("button", { name: "Membres" }).click();
    const row = alice.page.locator(`.members li[data-user-id="${chloe.account.userId}"]`);
    await row.getByText("Vérifié", { exact: true }).waitFor();
    await alice.page.getByRole("button", { name: "Membres" }).click();
  });

  it("warns before writing to a verified person whose identity changed", async () => {
    const name = chloe.account.displayName;
    await resetIdentity(stack, chloe.account);

    const p = alice.page;
    const warning = p.getByRole("alert").filter({ hasText: `L'identité de ${name} a changé.` });
    await warning.waitFor({ timeout: 60_000 });
    // She had verified Chloé: nothing is sent until she decides.
    expect(await p.getByLabel("Écrire un message").count()).toBe(0);
    await dmHeader(p).getByText("Identité modifiée").waitFor();
    await docScreenshot(p, "encryption-identity-changed.png");

    await warning.getByRole("button", { name: `Accepter la nouvelle identité de ${name}` }).click();
    await warning.waitFor({ state: "detached", timeout: 30_000 });
    // Accepted: no longer verified, and the composer is back.
    await dmHeader(p)
      .getByRole("button", { name: `Vérifier ${name}` })
      .waitFor();
    await send(p, "Message après le changement d'identité");
    await p
      .locator("li.message.mine[data-status=sent]", { hasText: "après le changement" })
      .waitFor({ timeout: 30_000 });
    await message(chloe.page, "Message après le changement d'identité").waitFor({
      timeout: 60_000,
    });
  });

  it("a new browser of Alice is verified by her first one, by emoji, and reads the DM", async () => {
    aliceLaptop = await openClient(stack, alice.account);
    const p = aliceLaptop.page;
    await login(p, alice.account.email, alice.account.password);
    const unlock = p.getByRole("dialog", { name: "Déverrouiller l'historique" });
    await unlock.waitFor({ timeout: 60_000 });
    await unlock.getByRole("button", { name: "Vérifier avec un autre appareil" }).click();

    const incoming = verificationDialog(alice.page);
    await incoming.getByText("Un autre de vos appareils").waitFor({ timeout: 60_000 });
    await incoming.getByRole("button", { name: "Accepter" }).click();
    const [laptopEmoji, firstEmoji] = await Promise.all([shownEmoji(p), shownEmoji(alice.page)]);
    expect(laptopEmoji).toHaveLength(7);
    expect(firstEmoji).toEqual(laptopEmoji);
    await verificationDialog(p).getByRole("button", { name: "Ils correspondent" }).click();
    await verificationDialog(alice.page).getByRole("button", { name: "Ils correspondent" }).click();
    for (const page of [p, alice.page]) {
      await verificationDialog(page)
        .getByText("Vérification terminée")
        .waitFor({ timeout: 60_000 });
      await verificationDialog(page).getByRole("button", { name: "Fermer" }).click();
    }
    // Cross-signed by the first browser, it gets the backup key and unlocks the history.
    await p.locator(".chat[data-encryption=ready]").waitFor({ timeout: 60_000 });
    await unlock.waitFor({ state: "detached", timeout: 60_000 });
    await openRoom(p, chloe.account.displayName);
    await message(p, "Bonjour, vérifions-nous").waitFor({ timeout: 60_000 });
    // Alice's latest message may reach her backup a few seconds after this restore (the SDK
    // uploads 0–10 s after a key arrives): the client asks the backup again until it is there.
    await expect.poll(() => p.locator("[data-utd]").count(), { timeout: 60_000 }).toBe(0);
  });
});
