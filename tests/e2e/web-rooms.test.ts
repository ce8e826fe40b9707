import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { matrixRequest } from "../../homeserver-config/src/admin/matrix-http.ts";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  acceptInvite,
  account,
  createRoom,
  inviteByEmail,
  loginAndWait,
  message,
  openClient,
  openRoom,
  send,
  type WebUser,
} from "./support/web-client.ts";

/**
 * Rooms as officials use them all day, each in their own browser: unread and mention badges,
 * the filter box, typing, deletion, older messages with date separators, members with agency
 * labels, invites found in the user directory, removal by an admin, a refusal of the
 * homeserver's access rules in plain words, and the English UI.
 */
const stack = inject("stack");
let alice: WebUser; // ministere-a, room admin
let chloe: WebUser; // ministere-b
const stamp = Date.now().toString(36);
const room = `Sécurité ${stamp}`;

const roomRow = (u: WebUser, name: string) => u.page.locator("button.room-row", { hasText: name });

describe("web client: rooms, members and room list", () => {
  beforeAll(async () => {
    [alice, chloe] = await Promise.all([
      openClient(stack, account(stack, "ministere-a", 0)),
      openClient(stack, account(stack, "ministere-b", 0)),
    ]);
    // Deleting a message and removing a member ask for confirmation.
    alice.page.on("dialog", (d) => void d.accept());
    await Promise.all([loginAndWait(alice), loginAndWait(chloe)]);
  });
  afterAll(async () => {
    if (alice?.errors.length) console.log("alice errors:", alice.errors.slice(0, 10));
    if (chloe?.errors.length) console.log("chloe errors:", chloe.errors.slice(0, 10));
    await alice?.close();
    await chloe?.close();
  });

  it("shows unread and mention badges that clear when the room is read, and filters rooms", async () => {
    await createRoom(alice.page, room, "Salon privé");
    await inviteByEmail(alice.page, chloe.account.email, "Chloé Bernard");
    await acceptInvite(chloe.page, room);
    // Chloé looks at another room of hers while Alice writes.
    await createRoom(chloe.page, `Notes ${stamp}`, "Salon privé");

    await send(alice.page, "Premier point");
    await send(alice.page, "Deuxième point");
    const badge = roomRow(chloe, room).locator(".badge");
    await expect
      .poll(() => badge.getAttribute("aria-label").catch(() => null), { timeout: 30_000 })
      .toBe("2 messages non lus");
    expect(await badge.textContent()).toBe("2");

    await send(alice.page, `${chloe.account.userId} peux-tu relire ?`);
    const mention = roomRow(chloe, room).locator(".badge.mention");
    await expect
      .poll(() => mention.getAttribute("aria-label").catch(() => null), { timeout: 30_000 })
      .toBe("1 mention");

    await openRoom(chloe.page, room);
    await message(chloe.page, "peux-tu relire").waitFor({ timeout: 30_000 });
    await expect.poll(() => roomRow(chloe, room).locator(".badge").count()).toBe(0);

    const filter = chloe.page.getByRole("searchbox", { name: "Filtrer les salons" });
    await filter.fill("securite"); // no accent, other case: still found
    await expect.poll(() => roomRow(chloe, `Notes ${stamp}`).count()).toBe(0);
    expect(await roomRow(chloe, room).count()).toBe(1);
    await filter.fill("zzz introuvable");
    await chloe.page.getByText("Aucun salon ne correspond.").waitFor();
    await filter.fill("");
    await roomRow(chloe, `Notes ${stamp}`).waitFor();
  });

  it("shows the other side typing, and stops when they clear the composer", async () => {
    const box = alice.page.getByLabel("Écrire un message");
    await box.pressSequentially("Je rédige", { delay: 20 });
    const typing = chloe.page.locator("p.typing");
    await expect.poll(() => typing.textContent(), { timeout: 30_000 }).toBe("Alice Martin écrit…");
    await box.fill("");
    await expect.poll(() => typing.textContent(), { timeout: 30_000 }).toBe("");
  });

  it("removes a deleted message on the other side", async () => {
    await send(alice.page, "Message à retirer");
    await message(chloe.page, "Message à retirer").waitFor({ timeout: 30_000 });
    const mine = alice.page.locator("li.message.mine", { hasText: "Message à retirer" });
    await mine.focus();
    await mine.getByRole("button", { name: "Supprimer" }).click();
    await expect
      .poll(() => message(chloe.page, "Message à retirer").count(), { timeout: 30_000 })
      .toBe(0);
    expect(await chloe.page.locator("li.message .redacted").count()).toBeGreaterThan(0);
  });

  it("invites a colleague found by name in the user directory", async () => {
    const p = alice.page;
    await p.getByRole("button", { name: "Inviter", exact: true }).click();
    await p.getByLabel("Adresse e-mail, identifiant Matrix ou nom").fill("Bruno");
    await p.getByRole("button", { name: "Rechercher" }).click();
    const hit = p.locator("ul.people li", { hasText: "Bruno Petit" });
    await hit.waitFor({ timeout: 30_000 });
    expect(await hit.locator(".agency").textContent()).toBe("Min. A");
    await hit.getByRole("button", { name: "Inviter Bruno Petit" }).click();
    await p.locator("dialog").waitFor({ state: "detached", timeout: 30_000 });
  });

  it("lists members with agency labels; the admin removes one, who is told", async () => {
    const p = alice.page;
    await p.getByRole("button", { name: "Membres" }).click();
    const members = p.getByRole("complementary", { name: /membres/ });
    const row = (name: string) => members.locator("li", { hasText: name });
    await expect
      .poll(() => row("Bruno Petit").textContent(), { timeout: 30_000 })
      .toContain("Invité");
    expect(await row("Alice Martin").locator(".agency").textContent()).toBe("Min. A");
    expect(await row("Alice Martin").locator(".role").textContent()).toBe("Administrateur");
    expect(await row("Chloé Bernard").locator(".agency").textContent()).toBe("Min. B");
    expect(await row("Bruno Petit").locator(".agency").textContent()).toBe("Min. A");

    await row("Chloé Bernard")
      .getByRole("button", { name: "Retirer Chloé Bernard du salon" })
      .click();
    await expect.poll(() => row("Chloé Bernard").count(), { timeout: 30_000 }).toBe(0);

    const told = chloe.page.locator("[role=alert][data-code=REMOVED_FROM_ROOM]");
    await told.waitFor({ timeout: 30_000 });
    expect(await told.textContent()).toContain(`Alice Martin vous a retiré du salon « ${room} ».`);
    await expect.poll(() => roomRow(chloe, room).count()).toBe(0);
    expect(await chloe.page.getByRole("heading", { name: room, level: 2 }).count()).toBe(0);
  });

  it("explains in plain French why an external user cannot be invited to a restricted room", async () => {
    const p = alice.page;
    const emma = account(stack, "externe", 0);
    expect(emma.email).toBe("emma.garnier@prestataire.example");
    await p.getByRole("button", { name: "Inviter", exact: true }).click();
    await p.getByLabel("Adresse e-mail, identifiant Matrix ou nom").fill(emma.email);
    await p.getByRole("button", { name: "Rechercher" }).click();
    await p.getByRole("button", { name: "Inviter Emma Garnier" }).click();
    const alert = p.locator("dialog [role=alert]");
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.getAttribute("data-code")).toBe("EXTERNAL_NOT_ALLOWED");
    const text = (await alert.textContent()) ?? "";
    expect(text).toBe(
      "Emma Garnier est un utilisateur externe à l'administration : ce salon est réservé aux " +
        "agents publics. Pour l'inviter, créez un « Salon privé ouvert aux externes ».",
    );
    expect(text).not.toMatch(/M_FORBIDDEN|403|external/);
    await p.getByRole("button", { name: "Fermer" }).click();
  });

  it("loads older messages on scroll, with a date separator per day", async () => {
    // History written over the last three days by the agency's provisioning appservice, which
    // may set message timestamps (`ts`), into a forum (not encrypted) of Alice's.
    const hs = stack.homeservers.find((h) => h.id === "ministere-a")!;
    const api = await TestClient.demo(stack, "ministere-a", 0);
    const name = `Archives ${stamp}`;
    const roomId = await api.createRoom(
      createRoomRequest({ type: "forum", creatorUserId: api.userId, name }),
    );
    const as = (path: string, body: unknown, method: "POST" | "PUT" = "POST") =>
      matrixRequest(hs.clientUrl, path, { accessToken: hs.appservice.asToken, method, body });
    await as(`/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {});
    const day = 24 * 3600 * 1000;
    const noon = new Date();
    noon.setHours(12, 0, 0, 0);
    const total = 90;
    for (let i = 0; i < total; i++) {
      const ts = noon.getTime() - (3 - Math.floor(i / 30)) * day + (i % 30) * 60_000;
      await as(
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/h${stamp}-${i}?ts=${ts}`,
        { msgtype: "m.text", body: `Archive ${String(i).padStart(3, "0")}` },
        "PUT",
      );
    }

    // Chloé (another agency) joins afterwards: her client gets only the newest messages.
    await api.invite(roomId, chloe.account.userId);
    const p = chloe.page;
    await acceptInvite(p, name);
    await message(p, "Archive 089").waitFor({ timeout: 30_000 });
    const rows = p.locator("li.message", { hasText: "Archive" });
    const before = await rows.count();
    expect(before).toBeLessThan(total);

    const timeline = p.getByRole("log", { name: "Messages" });
    for (let i = 0; i < 40 && (await message(p, "Archive 000").count()) === 0; i++) {
      await timeline.evaluate((el) => el.scrollTo({ top: 0 }));
      await p.waitForTimeout(500);
    }
    expect(await rows.count()).toBe(total);
    const days = await p.locator("li.day").allTextContents();
    const expected = [3, 2, 1].map((n) =>
      new Date(noon.getTime() - n * day).toLocaleDateString("fr-FR", {
        weekday: "long",
        day: "numeric",
        month: "long",
        year: "numeric",
      }),
    );
    for (const d of expected) expect(days).toContain(d);
    // Oldest day first, each separator before its own messages.
    expect(days.indexOf(expected[0]!)).toBeLessThan(days.indexOf(expected[2]!));
    const firstOfDay2 = await p
      .locator("li.day", { hasText: expected[1]! })
      .evaluate((el) => el.nextElementSibling?.textContent ?? "");
    expect(firstOfDay2).toContain("Archive 030");
  });

  it("switches the interface to English and back", async () => {
    const p = alice.page;
    await p.getByLabel("Langue").selectOption("en");
    await p.getByRole("button", { name: "New room" }).waitFor();
    await p.getByLabel("Write a message").waitFor();
    await p.getByRole("navigation", { name: "Room list" }).waitFor();
    expect(await p.evaluate(() => document.documentElement.lang)).toBe("en");
    await p.reload();
    await p.getByRole("navigation", { name: "Room list" }).waitFor({ timeout: 60_000 });
    await p.getByLabel("Language").selectOption("fr");
    await p.getByRole("button", { name: "Nouveau salon" }).waitFor();
    expect(await p.evaluate(() => document.documentElement.lang)).toBe("fr");
  });
});
