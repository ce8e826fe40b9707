import type { Federation } from "../model.ts";
import { parseEmailAddress, type AddressProblem } from "./email-address.ts";
import { resolveEmail, type DirectoryAnswer } from "./resolve-email.ts";

export type DirectoryRule = DirectoryAnswer["rule"] | "registered";

export type InfoAnswer =
  | { ok: true; address: string; homeserverId: string; rule: DirectoryRule }
  | { ok: false; problem: AddressProblem; message: string };

/**
 * The directory's answer for an address: the homeserver an existing account of the address
 * lives on, else the federation's rules (exact address, domain, pattern, external server).
 * `registeredOn` is the id of the homeserver holding an account with this address, if any.
 */
export function answerInfo(
  federation: Federation,
  input: string,
  registeredOn: string | undefined,
): InfoAnswer {
  const parsed = parseEmailAddress(input);
  if (!parsed.ok) return parsed;
  if (registeredOn) {
    return { ok: true, address: parsed.address, homeserverId: registeredOn, rule: "registered" };
  }
  const { homeserver, rule } = resolveEmail(federation, parsed.address);
  return { ok: true, address: parsed.address, homeserverId: homeserver.id, rule };
}

/** Why an invitation of `address` by `inviterHomeserverId` is refused, or undefined. */
export function invitationRefusal(
  federation: Federation,
  address: string,
  inviterHomeserverId: string | undefined,
): { code: string; message: string } | undefined {
  const inviterServer = federation.homeservers.find((h) => h.id === inviterHomeserverId);
  if (!inviterServer) {
    return { code: "UNKNOWN_SERVER", message: "Only users of the federation may invite." };
  }
  if (inviterServer.external) {
    return { code: "EXTERNAL_INVITER", message: "External users cannot invite others by e-mail." };
  }
  const { homeserver } = resolveEmail(federation, address);
  if (!homeserver.external) {
    return {
      code: "NOT_EXTERNAL",
      message: `${address} belongs to ${homeserver.displayName}: invite the agent directly, no invitation needed.`,
    };
  }
  return undefined;
}
