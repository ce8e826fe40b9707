import type { HomeserverAdmin } from "../admin/synapse-admin.ts";
import { parseEmailAddress } from "../directory/email-address.ts";
import { displayNameWithAgency, localpartForEmail } from "../directory/user-id.ts";

/** What provisioning asks the agency directory (HTTP client below, fakes in unit tests). */
export interface ProvisioningDirectory {
  /** Server name of the homeserver that serves the address. */
  homeserverFor(address: string): Promise<string>;
  /** Whether an invitation of this (external) address was recorded. */
  isInvited(address: string): Promise<boolean>;
}

export class ProvisioningRefusedError extends Error {
  override name = "ProvisioningRefusedError";
  constructor(
    readonly code: "MALFORMED_ADDRESS" | "WRONG_HOMESERVER" | "NOT_INVITED",
    message: string,
  ) {
    super(message);
  }
}

export interface ProvisionTarget {
  /** The homeserver the bot provisions on. */
  serverName: string;
  external: boolean;
  admin: HomeserverAdmin;
}

export interface AccountRequest {
  email: string;
  displayName: string;
  agencyLabel: string;
  password: string;
  /**
   * Create the account even where the directory says otherwise (a detached agent, a test).
   * Explicit, so that nobody bypasses the federation's rules by accident.
   */
  override?: boolean;
}

/**
 * Creates an account through the admin API only where the directory sends its address, and
 * on the external users' server only after an invitation: the rules registration follows.
 */
export async function provisionAccount(
  directory: ProvisioningDirectory,
  target: ProvisionTarget,
  request: AccountRequest,
): Promise<{ userId: string; result: "created" | "existing" }> {
  const parsed = parseEmailAddress(request.email);
  if (!parsed.ok) throw new ProvisioningRefusedError("MALFORMED_ADDRESS", parsed.message);
  const { address } = parsed;
  if (!request.override) {
    const hs = await directory.homeserverFor(address);
    if (hs !== target.serverName) {
      throw new ProvisioningRefusedError(
        "WRONG_HOMESERVER",
        `${address} is served by ${hs}, not ${target.serverName}: create the account there.`,
      );
    }
    if (target.external && !(await directory.isInvited(address))) {
      throw new ProvisioningRefusedError(
        "NOT_INVITED",
        `${address} is an external address nobody invited: record an invitation first.`,
      );
    }
  }
  const userId = `@${localpartForEmail(address)}:${target.serverName}`;
  const result = await target.admin.ensureUser({
    userId,
    password: request.password,
    displayName: displayNameWithAgency(request.displayName, request.agencyLabel),
    email: address,
  });
  return { userId, result };
}

/** The directory over HTTP. `internalToken` is needed for invitations (homeserver side). */
export class HttpProvisioningDirectory implements ProvisioningDirectory {
  constructor(
    private readonly url: string,
    private readonly internalToken: string,
  ) {}

  async homeserverFor(address: string): Promise<string> {
    const res = await fetch(
      `${this.url}/_matrix/identity/api/v1/info?medium=email&address=${encodeURIComponent(address)}`,
      { signal: AbortSignal.timeout(10_000) },
    );
    const body = (await res.json()) as { hs?: string; error?: string };
    if (!res.ok || !body.hs) throw new Error(`directory: ${body.error ?? res.status}`);
    return body.hs;
  }

  async isInvited(address: string): Promise<boolean> {
    const res = await fetch(
      `${this.url}/_tchap/directory/v1/internal/invitations/${encodeURIComponent(address)}`,
      {
        headers: { authorization: `Bearer ${this.internalToken}` },
        signal: AbortSignal.timeout(10_000),
      },
    );
    const body = (await res.json()) as { invited?: boolean; error?: string };
    if (!res.ok) throw new Error(`directory: ${body.error ?? res.status}`);
    return body.invited === true;
  }
}
