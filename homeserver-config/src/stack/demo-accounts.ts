import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { resolveEmail } from "../directory/resolve-email.ts";
import { displayNameWithAgency, localpartForEmail } from "../directory/user-id.ts";
import type { LocalHomeserverLayout } from "../local/instance.ts";
import type { Federation } from "../model.ts";
import type { StackAccount } from "./stack-description.ts";

/**
 * The demo accounts of `federation.yaml`, each on the homeserver the directory names for its
 * address. Passwords are generated once per instance and kept in `passwordsFile`.
 */
export async function planDemoAccounts(
  federation: Federation,
  layouts: LocalHomeserverLayout[],
  passwordsFile: string,
): Promise<StackAccount[]> {
  const stored = JSON.parse(await readFile(passwordsFile, "utf8").catch(() => "{}")) as Record<
    string,
    string
  >;
  const accounts = federation.demoAccounts.map((demo) => {
    const { homeserver, agency } = resolveEmail(federation, demo.email);
    const layout = layouts.find((l) => l.homeserver.id === homeserver.id);
    if (!layout) throw new Error(`no layout for homeserver ${homeserver.id}`);
    const userId = `@${localpartForEmail(demo.email)}:${layout.serverName}`;
    stored[userId] ??= randomBytes(9).toString("base64url");
    return {
      userId,
      password: stored[userId],
      email: demo.email,
      displayName: displayNameWithAgency(demo.displayName, agency.label),
      homeserver: homeserver.id,
      agency: agency.id,
    };
  });
  await writeFile(passwordsFile, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return accounts;
}
