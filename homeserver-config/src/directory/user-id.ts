import { normaliseEmail } from "./resolve-email.ts";

/**
 * Tchap-style Matrix localpart derived from an e-mail address:
 * `first.last@agency.gouv.fr` → `first.last-agency.gouv.fr`.
 * Characters Matrix does not allow in a localpart become `=xx` (hex), as the spec's
 * suggested mapping does, so two addresses never map to the same localpart.
 */
export function localpartForEmail(address: string): string {
  const email = normaliseEmail(address).replace("@", "-");
  let out = "";
  for (const ch of email) {
    if (/^[a-z0-9._\-/]$/.test(ch)) out += ch;
    else
      out += [...new TextEncoder().encode(ch)]
        .map((b) => `=${b.toString(16).padStart(2, "0")}`)
        .join("");
  }
  return out;
}

export function displayNameWithAgency(displayName: string, agencyLabel: string): string {
  return `${displayName} [${agencyLabel}]`;
}
