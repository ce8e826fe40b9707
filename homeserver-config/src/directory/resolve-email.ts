import type { Agency, Federation, Homeserver } from "../model.ts";

export interface DirectoryAnswer {
  homeserver: Homeserver;
  agency: Agency;
  /** How the answer was found, for logs and tests. */
  rule: "address" | "domain" | "pattern" | "external";
}

/** Lowercase, NFC-normalised form used for every comparison of addresses. */
export function normaliseEmail(address: string): string {
  return address.trim().normalize("NFC").toLowerCase();
}

/**
 * Which homeserver serves an e-mail address, by the federation's declared rules:
 * exact addresses first, then exact domains, then `*.` patterns, else the external server.
 */
export function resolveEmail(federation: Federation, address: string): DirectoryAnswer {
  const email = normaliseEmail(address);
  const domain = email.slice(email.lastIndexOf("@") + 1);
  const entries = federation.homeservers.flatMap((homeserver) =>
    homeserver.agencies.map((agency) => ({ homeserver, agency })),
  );

  for (const e of entries) {
    if (e.agency.email.addresses.some((a) => normaliseEmail(a) === email)) {
      return { ...e, rule: "address" };
    }
  }
  for (const e of entries) {
    if (e.agency.email.domains.includes(domain)) return { ...e, rule: "domain" };
  }
  for (const e of entries) {
    if (e.agency.email.domains.some((d) => d.startsWith("*.") && domain.endsWith(d.slice(1)))) {
      return { ...e, rule: "pattern" };
    }
  }
  const homeserver = federation.homeservers.find((hs) => hs.external);
  const agency = homeserver?.agencies[0];
  if (!homeserver || !agency) throw new Error("federation has no external homeserver");
  return { homeserver, agency, rule: "external" };
}
