/**
 * Driving the web client in Debian Chromium for end-to-end tests: one browser (own profile)
 * per user, French UI, selectors by accessible name where the user would look.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import type { Page } from "playwright-core";
import type {
  StackAccount,
  StackDescription,
} from "../../../homeserver-config/src/stack/stack-description.ts";
import { launchChromium, type LaunchedChromium } from "./chromium.ts";

export interface WebUser {
  account: StackAccount;
  stack: StackDescription;
  browser: LaunchedChromium;
  page: Page;
  /** Console errors and page errors, for diagnosing failures. */
  errors: string[];
  close(): Promise<void>;
}

export function webUrl(stack: StackDescription): string {
  const url = stack.services.web?.url;
  if (!url) throw new Error("stack.json has no `web` service");
  return url;
}

export function account(stack: StackDescription, homeserver: string, n = 0): StackAccount {
  const a = stack.accounts.filter((x) => x.homeserver === homeserver)[n];
  if (!a) throw new Error(`no account ${n} on ${homeserver}`);
  return a;
}

export async function openClient(stack: StackDescription, acc: StackAccount): Promise<WebUser> {
  const browser = await launchChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  await page.goto(webUrl(stack));
  return { account: acc, stack, browser, page, errors, close: () => browser.close() };
}

export async function login(page: Page, identifier: string, password: string): Promise<void> {
  await page.getByLabel("Adresse e-mail professionnelle ou identifiant Matrix").fill(identifier);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

/** How a test's new device answers « Déverrouiller l'historique ». */
export interface UnlockChoice {
  unlock?: "later" | "recovery-key";
  /** The key to type; default: the one saved at the account's first login in this run. */
  recoveryKey?: string;
}

/**
 * Logs in and gets past the encryption step that follows, as a user would: on the account's
 * first device, save and confirm the recovery key (kept for later devices, see
 * `recoveryKeyOf`); on a new device, unlock history as `unlock` says (default: « Plus tard »).
 */
export async function loginAndWait(
  user: WebUser,
  opts: UnlockChoice = {},
): Promise<"created" | "unlocked" | "locked" | "ready"> {
  await login(user.page, user.account.email, user.account.password);
  await user.page
    .getByRole("navigation", { name: "Liste des salons" })
    .waitFor({ timeout: 60_000 });
  return settleEncryption(user, opts);
}

/** Waits for the client's encryption check after login and answers the dialog it opens. */
export async function settleEncryption(
  user: WebUser,
  opts: UnlockChoice = {},
): Promise<"created" | "unlocked" | "locked" | "ready"> {
  const p = user.page;
  await p.locator(".chat:not([data-encryption=checking])").waitFor({ timeout: 60_000 });
  const status = await p.locator(".chat").getAttribute("data-encryption");
  if (status === "failed") throw new Error("encryption set-up failed after login");
  const keyDialog = p.getByRole("dialog", { name: "Clé de récupération" });
  const unlockDialog = p.getByRole("dialog", { name: "Déverrouiller l'historique" });
  await keyDialog
    .or(unlockDialog)
    .waitFor({ timeout: 5_000 })
    .catch(() => undefined);
  if (await keyDialog.isVisible()) {
    saveRecoveryKey(user, await confirmRecoveryKey(p));
    return "created";
  }
  if (await unlockDialog.isVisible()) {
    const key = opts.recoveryKey ?? recoveryKeyOf(user);
    if (opts.unlock === "recovery-key") {
      if (!key) throw new Error(`no recovery key known for ${user.account.userId}`);
      await unlockWithRecoveryKey(p, key);
      return "unlocked";
    }
    await unlockDialog.getByRole("button", { name: "Plus tard" }).click();
    await unlockDialog.waitFor({ state: "detached" });
    return "locked";
  }
  return status === "locked" ? "locked" : "ready";
}

/** Reads the recovery key shown once, saves it, and types back the two groups asked for. */
export async function confirmRecoveryKey(p: Page): Promise<string> {
  const dialog = p.getByRole("dialog", { name: "Clé de récupération" });
  const key = (await dialog.getByLabel("Votre clé de récupération").textContent())?.trim() ?? "";
  if (!/^(\S{4} ){11}\S{4}$/.test(key)) throw new Error(`unexpected recovery key format: ${key}`);
  await dialog.getByRole("button", { name: "J'ai enregistré ma clé" }).click();
  const confirm = p.getByRole("dialog", { name: "Confirmez votre clé de récupération" });
  const groups = key.split(" ");
  for (const input of await confirm.getByRole("textbox").all()) {
    const label =
      (await input.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent)) ?? "";
    const n = Number(/(\d+)/.exec(label)?.[1]);
    await input.fill(groups[n - 1] ?? "");
  }
  await confirm.getByRole("button", { name: "Confirmer" }).click();
  await confirm.waitFor({ state: "detached" });
  return key;
}

/** On the « Déverrouiller l'historique » dialog: the recovery key, then the restore's end. */
export async function unlockWithRecoveryKey(p: Page, key: string): Promise<void> {
  const dialog = p.getByRole("dialog", { name: "Déverrouiller l'historique" });
  await dialog.getByRole("button", { name: "Utiliser la clé de récupération" }).click();
  await dialog.getByLabel("Clé de récupération").fill(key);
  await dialog.getByRole("button", { name: "Déverrouiller" }).click();
  await dialog.waitFor({ state: "detached", timeout: 60_000 });
  await p.locator(".chat[data-encryption=ready]").waitFor();
}

/** Recovery keys of the test stack's accounts, shared by every test file of one run. */
function recoveryKeysFile(stack: StackDescription): string {
  const hsDir = stack.homeservers[0]?.dir;
  if (!hsDir) throw new Error("stack.json lists no homeserver");
  return join(dirname(dirname(hsDir)), "test-recovery-keys.json");
}

export function recoveryKeyOf(user: WebUser): string | undefined {
  const file = recoveryKeysFile(user.stack);
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>)[user.account.userId];
}

function saveRecoveryKey(user: WebUser, key: string): void {
  const file = recoveryKeysFile(user.stack);
  const keys = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>)
    : {};
  keys[user.account.userId] = key;
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
}

/** The message rows of the open room whose text contains `text`. */
export function message(page: Page, text: string) {
  return page.locator("li.message", { hasText: text });
}

/** Throws (rather than a vitest `expect`) so that benchmarks run by tsx can use these helpers. */
export async function expectNoUnableToDecrypt(page: Page): Promise<void> {
  const count = await page.locator("[data-utd]").count();
  if (count > 0) throw new Error(`${count} message(s) shown as unable to decrypt`);
}

export async function createRoom(
  page: Page,
  name: string,
  type: "Salon privé" | "Forum" | "Salon privé ouvert aux externes",
): Promise<void> {
  await page.getByRole("button", { name: "Nouveau salon" }).click();
  await page.getByLabel("Nom du salon").fill(name);
  await page.getByRole("radio", { name: new RegExp(`^${type} —`) }).check();
  await page.getByRole("button", { name: "Créer le salon" }).click();
  await page.getByRole("heading", { name, level: 2 }).waitFor({ timeout: 30_000 });
}

export async function inviteByEmail(page: Page, email: string, name: string): Promise<void> {
  await page.getByRole("button", { name: "Inviter", exact: true }).click();
  await page.getByLabel("Adresse e-mail, identifiant Matrix ou nom").fill(email);
  await page.getByRole("button", { name: "Rechercher" }).click();
  await page.getByRole("button", { name: `Inviter ${name}` }).click();
  await page.locator("dialog").waitFor({ state: "detached", timeout: 30_000 });
}

export async function acceptInvite(page: Page, roomName: string): Promise<void> {
  const row = page.locator("li.invite", { hasText: roomName });
  await row.waitFor({ timeout: 60_000 });
  await row.getByRole("button", { name: "Accepter" }).click();
  await page.getByRole("heading", { name: roomName, level: 2 }).waitFor({ timeout: 60_000 });
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByLabel("Écrire un message");
  await box.fill(text);
  await box.press("Enter");
}

export async function openRoom(page: Page, name: string): Promise<void> {
  await page.locator("button.room-row", { hasText: name }).click();
  await page.getByRole("heading", { name, level: 2 }).waitFor();
}

/** A small valid PNG (solid colour) made here, so the test needs no fixture file. */
export function tinyPng(width = 40, height = 30): Buffer {
  return png(width, height, () => [0, 0, 145]);
}

/** A bar chart on a light background, for screenshots that show a recognisable image. */
export function chartPng(width = 1600, height = 1000): Buffer {
  const bars = [0.45, 0.7, 0.55, 0.9, 0.65, 0.8];
  const colours: [number, number, number][] = [
    [0, 0, 145],
    [225, 0, 15],
    [0, 0, 145],
    [225, 0, 15],
    [0, 0, 145],
    [225, 0, 15],
  ];
  const slot = width / bars.length;
  return png(width, height, (x, y) => {
    const i = Math.floor(x / slot);
    const inBar = x % slot > slot * 0.2 && x % slot < slot * 0.8;
    const top = height * (1 - bars[i]! * 0.85);
    if (inBar && y > top && y < height * 0.95) return colours[i]!;
    return y % 100 === 0 ? [210, 210, 220] : [246, 246, 250];
  });
}

function png(
  width: number,
  height: number,
  pixel: (x: number, y: number) => readonly number[],
): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * (width * 3 + 1) + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
