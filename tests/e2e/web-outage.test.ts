import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import type { LocalInstance } from "../../homeserver-config/src/local/instance.ts";
import { directoryService } from "../../homeserver-config/src/directory/directory-service.ts";
import {
  startLocalStack,
  type RunningStack,
} from "../../homeserver-config/src/stack/start-stack.ts";
import { webService } from "../../web/server/web-service.ts";
import {
  acceptInvite,
  account,
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
 * A message typed while the sender's homeserver is down stays visible as failed, is sent again
 * when the homeserver is back, and arrives exactly once in the other agency.
 *
 * The shared stack of the run cannot stop one of its homeservers, so this test runs its own
 * small stack (homeservers, directory, web) on another instance of this slot and restarts it.
 */
const projectRoot = inject("projectRoot");
const slot = Number(process.env.TCHAP_TEST_SLOT ?? 0);
const instance: LocalInstance = {
  name: `web-outage-${slot}`,
  dataDir: path.join(projectRoot, ".local", `web-outage-${slot}`),
  loopbackPrefix: `127.1.${40 + slot}`,
  portBase: 24008 + slot * 100,
};
let running: RunningStack | undefined;
let alice: WebUser;
let chloe: WebUser;

async function start(fresh: boolean, withServices = true): Promise<RunningStack> {
  const full = await loadFederation(path.join(projectRoot, "homeserver-config/federation.yaml"));
  // Two agencies are enough here; fewer Synapses start faster on a busy machine.
  const agencyDomains = ["ministere-a.gouv.fr", "ministere-b.gouv.fr"];
  const federation = {
    ...full,
    homeservers: full.homeservers.filter((h) => !h.external),
    demoAccounts: full.demoAccounts.filter((a) =>
      agencyDomains.some((d) => a.email.endsWith(`@${d}`)),
    ),
  };
  return startLocalStack({
    federation,
    instance,
    fresh,
    projectRoot,
    // After the restart the pages are already loaded: only the homeservers matter.
    services: withServices ? [directoryService(), webService()] : [],
    log: (line) => console.log(`[outage stack] ${line}`),
  });
}

/** The Synapse of this test's own stack that reads `configFile` (no pid file: not daemonized). */
async function synapsePid(configFile: string): Promise<number> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const args = cmd.split("\0");
    if (args.includes("synapse.app.homeserver") && args.includes(configFile)) return Number(entry);
  }
  throw new Error(`no running Synapse reads ${configFile}`);
}

describe("sending while the homeserver is down", () => {
  beforeAll(async () => {
    running = await start(true);
    const stack = running.description;
    [alice, chloe] = await Promise.all([
      openClient(stack, account(stack, "ministere-a", 0)),
      openClient(stack, account(stack, "ministere-b", 0)),
    ]);
    await Promise.all([loginAndWait(alice), loginAndWait(chloe)]);
  }, 300_000);
  afterAll(async () => {
    await alice?.close();
    await chloe?.close();
    await running?.stop();
  });

  it("keeps the failed message, retries it after the restart, delivers it once", async () => {
    const stack = running!.description;
    await createRoom(alice.page, "Continuité", "Salon privé");
    await inviteByEmail(alice.page, chloe.account.email, "Chloé Bernard");
    await acceptInvite(chloe.page, "Continuité");
    await send(alice.page, "avant la coupure");
    await message(chloe.page, "avant la coupure").waitFor({ timeout: 30_000 });

    // Stop ministere-a's Synapse (this test's own process) and wait until it refuses.
    const hsA = stack.homeservers.find((h) => h.id === "ministere-a")!;
    process.kill(await synapsePid(path.join(hsA.dir, "homeserver.yaml")), "SIGTERM");
    await expect
      .poll(
        () =>
          fetch(`${hsA.clientUrl}/_matrix/client/versions`).then(
            () => "up",
            () => "down",
          ),
        { timeout: 30_000 },
      )
      .toBe("down");

    await send(alice.page, "pendant la coupure");
    const pending = alice.page.locator("li.message.mine", { hasText: "pendant la coupure" });
    await pending.waitFor();
    await expect
      .poll(() => pending.getAttribute("data-status"), { timeout: 60_000 })
      .toBe("failed");
    await pending.getByRole("button", { name: "Réessayer" }).waitFor();
    await alice.page.screenshot({ path: ".local/web-e2e-outage-failed.png" });

    // Restart the homeservers (same data) and the services; the pages stay open.
    await running!.stop();
    running = await start(false, false);

    await expect.poll(() => pending.getAttribute("data-status"), { timeout: 90_000 }).toBe("sent");
    await message(chloe.page, "pendant la coupure").waitFor({ timeout: 60_000 });
    await chloe.page.waitForTimeout(3000);
    expect(await message(chloe.page, "pendant la coupure").count()).toBe(1);
    expect(await message(alice.page, "pendant la coupure").count()).toBe(1);
    await expectNoUnableToDecrypt(chloe.page);
  });
});
