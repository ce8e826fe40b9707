import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveEmail } from "../../homeserver-config/src/directory/resolve-email.ts";
import { localpartForEmail } from "../../homeserver-config/src/directory/user-id.ts";
import { parseFederation } from "../../homeserver-config/src/load-federation.ts";

const federation = parseFederation(
  readFileSync(path.join(import.meta.dirname, "../../homeserver-config/federation.yaml"), "utf8"),
  "federation.yaml",
);
const hsOf = (email: string) => resolveEmail(federation, email).homeserver.id;

describe("e-mail → homeserver", () => {
  it("uses exact addresses before domains", () => {
    expect(resolveEmail(federation, "cabinet.b@prestataire.fr")).toMatchObject({
      rule: "address",
      homeserver: { id: "ministere-b" },
    });
  });
  it("matches exact domains and sub-domain patterns, case-insensitively", () => {
    expect(hsOf("Alice.Martin@Ministere-A.gouv.fr")).toBe("ministere-a");
    expect(resolveEmail(federation, "x@dgfip.ministere-b.gouv.fr").rule).toBe("pattern");
    expect(hsOf("x@dgfip.ministere-b.gouv.fr")).toBe("ministere-b");
  });
  it("does not let a pattern match a look-alike domain", () => {
    expect(hsOf("x@evilministere-a.gouv.fr")).toBe("externe");
  });
  it("sends unknown domains to the external users' server", () => {
    expect(resolveEmail(federation, "someone@entreprise.example")).toMatchObject({
      rule: "external",
      homeserver: { id: "externe" },
    });
  });
});

describe("localpart from e-mail", () => {
  it("is Tchap-style and lowercase", () => {
    expect(localpartForEmail("Alice.Martin@Ministere-A.gouv.fr")).toBe(
      "alice.martin-ministere-a.gouv.fr",
    );
  });
  it("encodes characters Matrix does not allow, keeping addresses distinct", () => {
    expect(localpartForEmail("chloé+x@b.fr")).toBe("chlo=c3=a9=2bx-b.fr");
    expect(localpartForEmail("a+b@c.fr")).not.toBe(localpartForEmail("a=b@c.fr"));
  });
});
