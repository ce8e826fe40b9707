import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  account,
  createRoom,
  loginAndWait,
  message,
  openClient,
  openRoom,
  send,
  type WebUser,
} from "./support/web-client.ts";

/**
 * WCAG 2 A/AA rules checked by axe-core (contrast, names of controls, labels, landmarks…) on
 * the login screen and the chat screen, and the keyboard paths an official uses every day.
 */
const stack = inject("stack");
const stamp = Date.now().toString(36);
let bruno: WebUser;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/**
 * Runs axe-core in the page. Evaluated through the DevTools protocol, which the page's
 * Content-Security-Policy (no inline scripts) does not apply to.
 */
async function axeViolations(page: Page): Promise<Violation[]> {
  const source = await readFile(
    createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
    "utf8",
  );
  await page.evaluate(`${source}\n;void 0`);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary ?? "" })),
    }));
  });
}

describe("web client accessibility", () => {
  beforeAll(async () => {
    bruno = await openClient(stack, account(stack, "ministere-a", 1));
  });
  afterAll(async () => {
    if (bruno?.errors.length) console.log("bruno errors:", bruno.errors.slice(0, 10));
    await bruno?.close();
  });

  it("login screen: no WCAG 2 AA violation, including with an error shown", async () => {
    const p = bruno.page;
    await p.getByRole("button", { name: "Se connecter" }).waitFor();
    expect(await axeViolations(p)).toEqual([]);
    await p.getByLabel("Adresse e-mail professionnelle ou identifiant Matrix").fill("x@y");
    await p.getByLabel("Mot de passe").fill("wrong");
    await p.getByRole("button", { name: "Se connecter" }).click();
    await p.getByRole("alert").waitFor({ timeout: 20_000 });
    expect(await axeViolations(p)).toEqual([]);
  });

  it("chat screen: no WCAG 2 AA violation with rooms, an invite, messages and members", async () => {
    await bruno.page.reload();
    await loginAndWait(bruno);
    const p = bruno.page;
    // An invite row (accept/decline) from a colleague.
    const alice = await TestClient.demo(stack, "ministere-a", 0);
    const invited = await alice.createRoom({ name: `Invitation ${stamp}`, preset: "private_chat" });
    await alice.invite(invited, bruno.account.userId);
    await p.locator("li.invite", { hasText: `Invitation ${stamp}` }).waitFor({ timeout: 30_000 });

    await createRoom(p, `Accessibilité ${stamp}`, "Salon privé");
    await send(p, "Un message **important** avec un [lien](https://www.numerique.gouv.fr)");
    await message(p, "important").waitFor({ timeout: 30_000 });
    await p.getByRole("button", { name: "Membres" }).click();
    await p.getByRole("complementary", { name: /membre/ }).waitFor();
    expect(await axeViolations(p)).toEqual([]);

    await p.getByRole("button", { name: "Nouveau salon" }).click();
    await p.getByRole("dialog").waitFor();
    expect(await axeViolations(p)).toEqual([]);
    await p.keyboard.press("Escape");
    await p.getByRole("dialog").waitFor({ state: "detached" });
  });

  it("keyboard: Tab reaches the composer, Enter sends; Tab walks the room list", async () => {
    const p = bruno.page;
    await createRoom(p, `Clavier ${stamp}`, "Salon privé");
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await p.locator("body").focus();
    const focusedLabel = () =>
      p.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? "");
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await p.keyboard.press("Tab");
      reached = (await focusedLabel()) === "Écrire un message";
    }
    expect(reached).toBe(true);
    await p.keyboard.type("Envoyé au clavier");
    await p.keyboard.press("Enter");
    await message(p, "Envoyé au clavier").waitFor({ timeout: 30_000 });

    // From the filter box, Tab goes through the rooms; Enter opens the focused one.
    await p.getByRole("searchbox", { name: "Filtrer les salons" }).focus();
    const visited: string[] = [];
    // Bounded by the list itself: other test files leave rooms and invites in this account.
    for (let i = 0; i < 200; i++) {
      await p.keyboard.press("Tab");
      const at = await p.evaluate(() => {
        const el = document.activeElement;
        if (!el?.closest("nav.room-list")) return null; // left the room list
        return el.classList.contains("room-row")
          ? (el.querySelector(".room-name")?.textContent ?? "")
          : ""; // an invite's accept/decline button
      });
      if (at === null) break;
      if (at) visited.push(at);
    }
    expect(visited).toContain(`Accessibilité ${stamp}`);
    expect(visited).toContain(`Clavier ${stamp}`);
    // Walk back to the other room and open it with Enter.
    await openRoom(p, `Clavier ${stamp}`);
    await p.locator("button.room-row", { hasText: `Accessibilité ${stamp}` }).focus();
    await p.keyboard.press("Enter");
    await p.getByRole("heading", { name: `Accessibilité ${stamp}`, level: 2 }).waitFor();
  });
});
