import type { z } from "zod";
import type { federationSchema } from "./schema.ts";

type Parsed = z.output<typeof federationSchema>;
type Issue = { path: (string | number)[]; message: string };

/** Rules that span several entries, which a per-field schema cannot express. */
export function crossFieldIssues(f: Parsed): Issue[] {
  const issues: Issue[] = [];
  const externals = f.homeservers.flatMap((hs, i) => (hs.external ? [i] : []));
  if (externals.length !== 1) {
    issues.push({
      path: ["homeservers"],
      message: `exactly one homeserver must have "external: true" (found ${externals.length})`,
    });
  }

  const seen = new Map<string, string>();
  const claim = (key: string, path: (string | number)[], what: string): void => {
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({ path, message: `${what} is already declared at ${first}` });
    } else {
      seen.set(key, path.join("."));
    }
  };

  f.homeservers.forEach((hs, i) => {
    claim(`hs:${hs.id}`, ["homeservers", i, "id"], `homeserver id "${hs.id}"`);
    claim(
      `sn:${hs.serverName}`,
      ["homeservers", i, "serverName"],
      `server name "${hs.serverName}"`,
    );
    hs.agencies.forEach((a, j) => {
      const at = ["homeservers", i, "agencies", j];
      claim(`ag:${a.id}`, [...at, "id"], `agency id "${a.id}"`);
      a.email.domains.forEach((d, k) =>
        claim(`dom:${d}`, [...at, "email", "domains", k], `e-mail domain "${d}"`),
      );
      a.email.addresses.forEach((addr, k) =>
        claim(
          `addr:${addr.toLowerCase()}`,
          [...at, "email", "addresses", k],
          `e-mail address "${addr}"`,
        ),
      );
    });
  });

  if (f.production) {
    const ids = new Set(f.homeservers.map((hs) => hs.id));
    for (const key of Object.keys(f.production.homeservers)) {
      if (!ids.has(key)) {
        issues.push({
          path: ["production", "homeservers", key],
          message: `no homeserver has id "${key}"`,
        });
      }
    }
    for (const id of ids) {
      if (!(id in f.production.homeservers)) {
        issues.push({
          path: ["production", "homeservers"],
          message: `homeserver "${id}" has no production settings`,
        });
      }
    }
  }
  return issues;
}
