import { randomBytes } from "node:crypto";
import { SynapseAdminClient } from "../../../homeserver-config/src/admin/synapse-admin.ts";
import { localpartForEmail } from "../../../homeserver-config/src/directory/user-id.ts";
import type {
  StackAccount,
  StackDescription,
} from "../../../homeserver-config/src/stack/stack-description.ts";

/**
 * A new account of an agency, made through its homeserver's admin API with a bound e-mail, for
 * tests whose user must start with no encryption history (the demo accounts are shared by
 * every test file of a run).
 */
export async function freshAccount(
  stack: StackDescription,
  homeserverId: string,
  first: string,
  last: string,
): Promise<StackAccount> {
  const hs = stack.homeservers.find((h) => h.id === homeserverId);
  const demo = stack.accounts.find((a) => a.homeserver === homeserverId);
  if (!hs || !demo) throw new Error(`no homeserver ${homeserverId} with demo accounts`);
  const domain = demo.email.split("@")[1];
  const email = `${first}.${last}.${randomBytes(3).toString("hex")}@${domain}`.toLowerCase();
  const account: StackAccount = {
    userId: `@${localpartForEmail(email)}:${hs.serverName}`,
    password: randomBytes(12).toString("base64url"),
    email,
    displayName: `${first} ${last}`,
    homeserver: homeserverId,
    agency: demo.agency,
  };
  await new SynapseAdminClient(hs.clientUrl, hs.admin.accessToken).ensureUser({
    userId: account.userId,
    password: account.password,
    displayName: account.displayName,
    email,
  });
  return account;
}
