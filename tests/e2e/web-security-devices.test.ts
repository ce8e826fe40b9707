import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { account, loginAndWait, openClient, type WebUser } from "./support/web-client.ts";

/**
 * One official signed in on two browsers: the « Sécurité » settings of one list both devices,
 * and sign the other out remotely once the account password is confirmed; the other browser
 * is back on the login screen.
 */
const stack = inject("stack");
let desk: WebUser;
let laptop: WebUser;

describe("security settings: my devices", () => {
  beforeAll(async () => {
    const official = account(stack, "ministere-b", 1);
    [desk, laptop] = await Promise.all([openClient(stack, official), openClient(stack, official)]);
  });
  afterAll(async () => {
    if (desk?.errors.length) console.log("desk errors:", desk.errors.slice(0, 10));
    if (laptop?.errors.length) console.log("laptop errors:", laptop.errors.slice(0, 10));
    await desk?.close();
    await laptop?.close();
  });

  it("lists this device and the other one, and signs the other out with the password", async () => {
    await loginAndWait(desk, { unlock: "recovery-key" });
    await loginAndWait(laptop);

    // The laptop learns its own device id the way a user would: its settings say « Cet appareil ».
    await laptop.page.getByRole("button", { name: "Sécurité", exact: true }).click();
    const laptopSettings = laptop.page.getByRole("dialog", { name: "Sécurité" });
    const laptopRow = laptopSettings.locator("li.device[data-current]");
    await expect.poll(() => laptopRow.textContent(), { timeout: 20_000 }).toContain("Cet appareil");
    const laptopId = (await laptopRow.getAttribute("data-device-id")) ?? "";
    expect(laptopId).not.toBe("");
    await laptopSettings.getByRole("button", { name: "Fermer" }).click();

    await desk.page.getByRole("button", { name: "Sécurité", exact: true }).click();
    const settings = desk.page.getByRole("dialog", { name: "Sécurité" });
    const mine = settings.locator("li.device[data-current]");
    await expect.poll(() => mine.textContent(), { timeout: 20_000 }).toContain("Cet appareil");
    expect(await mine.textContent()).toContain("Vérifié");
    expect(await settings.locator("li.device").first().getAttribute("data-current")).toBe("true");
    const other = settings.locator(`li.device[data-device-id="${laptopId}"]`);
    await expect.poll(() => other.textContent(), { timeout: 20_000 }).toContain("Non vérifié");
    expect(await other.textContent()).not.toContain("Cet appareil");

    await other.getByRole("button", { name: /^Déconnecter / }).click();
    const password = other.getByLabel("Mot de passe de votre compte");
    await password.fill("not-the-password");
    await other.getByRole("button", { name: "Déconnecter l'appareil" }).click();
    await expect
      .poll(() => other.getByRole("alert").textContent(), { timeout: 20_000 })
      .toBe("Mot de passe incorrect. L'appareil est toujours connecté.");
    expect(await other.count()).toBe(1);

    await password.fill(desk.account.password);
    await other.getByRole("button", { name: "Déconnecter l'appareil" }).click();
    await other.waitFor({ state: "detached", timeout: 20_000 });

    // The laptop finds out at its next sync request, which the homeserver now refuses.
    await laptop.page.getByRole("button", { name: "Se connecter" }).waitFor({ timeout: 60_000 });
    expect(await desk.page.getByRole("navigation", { name: "Liste des salons" }).count()).toBe(1);
    expect(await mine.count()).toBe(1);
  });
});
