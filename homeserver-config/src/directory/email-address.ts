import { normaliseEmail } from "./resolve-email.ts";

export type AddressProblem =
  | "empty"
  | "too_long"
  | "invalid_character"
  | "no_at_sign"
  | "several_at_signs"
  | "invalid_local_part"
  | "invalid_domain";

export type ParsedAddress =
  | { ok: true; address: string; domain: string }
  | { ok: false; problem: AddressProblem; message: string };

// Letters and digits of any script (internationalised domains), hyphens inside a label.
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;
const FORBIDDEN_IN_LOCAL = /[\s\p{C}()<>[\]\\,;:"]/u;

function fail(problem: AddressProblem, message: string): ParsedAddress {
  return { ok: false, problem, message };
}

/**
 * Checks that `input` is an e-mail address the directory can answer for, and returns its
 * normalised form (NFC, lowercase) — the form every comparison uses.
 */
export function parseEmailAddress(input: string): ParsedAddress {
  const address = normaliseEmail(input);
  if (address === "") return fail("empty", "The address is empty.");
  if (address.length > 254) return fail("too_long", "The address is longer than 254 characters.");
  if (/[\s\p{C}]/u.test(address)) {
    return fail("invalid_character", "The address contains spaces or control characters.");
  }
  const parts = address.split("@");
  if (parts.length === 1) return fail("no_at_sign", `"${input.trim()}" has no @.`);
  if (parts.length > 2) return fail("several_at_signs", `"${input.trim()}" has more than one @.`);
  const [local, domain] = parts as [string, string];
  if (
    local === "" ||
    local.length > 64 ||
    local.startsWith(".") ||
    local.endsWith(".") ||
    local.includes("..") ||
    FORBIDDEN_IN_LOCAL.test(local)
  ) {
    return fail("invalid_local_part", `The part before @ in "${input.trim()}" is not valid.`);
  }
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    return fail("invalid_domain", `"${domain}" is not a valid mail domain.`);
  }
  return { ok: true, address, domain };
}
