import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  answerInfo,
  invitationRefusal,
} from "../../homeserver-config/src/directory/directory-answer.ts";
import { parseEmailAddress } from "../../homeserver-config/src/directory/email-address.ts";
import { parseFederation } from "../../homeserver-config/src/load-federation.ts";

const federation = parseFederation(
  readFileSync(path.join(import.meta.dirname, "../../homeserver-config/federation.yaml"), "utf8"),
  "federation.yaml",
);

describe("e-mail address validation", () => {
  it("accepts and normalises ordinary and internationalised addresses", () => {
    expect(parseEmailAddress("  Alice.Martin@Ministere-A.gouv.fr ")).toEqual({
      ok: true,
      address: "alice.martin@ministere-a.gouv.fr",
      domain: "ministere-a.gouv.fr",
    });
    // NFD input becomes NFC: one spelling per address.
    expect(parseEmailAddress("he\u0301le\u0300ne@société.example")).toMatchObject({
      ok: true,
      address: "hélène@société.example",
    });
    expect(parseEmailAddress("a+tag@x.example").ok).toBe(true);
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["no-at-sign.example", "no_at_sign"],
    ["a@b@c.example", "several_at_signs"],
    ["@c.example", "invalid_local_part"],
    [".a@c.example", "invalid_local_part"],
    ["a.@c.example", "invalid_local_part"],
    ["a..b@c.example", "invalid_local_part"],
    ['"a"@c.example', "invalid_local_part"],
    [`${"a".repeat(65)}@c.example`, "invalid_local_part"],
    ["a@localhost", "invalid_domain"],
    ["a@c..example", "invalid_domain"],
    ["a@-c.example", "invalid_domain"],
    ["a@c-.example", "invalid_domain"],
    ["a@c_d.example", "invalid_domain"],
    ["a b@c.example", "invalid_character"],
    ["a\u0000b@c.example", "invalid_character"],
    [`a@${"b".repeat(250)}.example`, "too_long"],
  ])("refuses %j (%s) with a message", (input, problem) => {
    const parsed = parseEmailAddress(input);
    expect(parsed).toMatchObject({ ok: false, problem });
    if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(5);
  });
});

describe("the directory's answer", () => {
  it("prefers the homeserver holding an existing account over the rules", () => {
    expect(answerInfo(federation, "x@ministere-a.gouv.fr", "ministere-b")).toEqual({
      ok: true,
      address: "x@ministere-a.gouv.fr",
      homeserverId: "ministere-b",
      rule: "registered",
    });
  });

  it("falls back to the rules: address, domain, pattern, external", () => {
    const id = (a: string) => {
      const r = answerInfo(federation, a, undefined);
      return r.ok ? [r.homeserverId, r.rule] : r.problem;
    };
    expect(id("Cabinet.B@prestataire.fr")).toEqual(["ministere-b", "address"]);
    expect(id("x@ministere-a.gouv.fr")).toEqual(["ministere-a", "domain"]);
    expect(id("x@sg.ministere-a.gouv.fr")).toEqual(["ministere-a", "pattern"]);
    expect(id("x@ministere-a.gouv.fr.example")).toEqual(["externe", "external"]);
    expect(id("not an address")).toBe("invalid_character");
  });
});

describe("invitations of external addresses", () => {
  it("are for agents to make, of addresses the external server serves", () => {
    expect(invitationRefusal(federation, "x@cabinet.example", "ministere-a")).toBeUndefined();
    expect(invitationRefusal(federation, "x@cabinet.example", "externe")?.code).toBe(
      "EXTERNAL_INVITER",
    );
    expect(invitationRefusal(federation, "x@cabinet.example", undefined)?.code).toBe(
      "UNKNOWN_SERVER",
    );
    const agent = invitationRefusal(federation, "cabinet.b@prestataire.fr", "ministere-a");
    expect(agent?.code).toBe("NOT_EXTERNAL");
    expect(agent?.message).toContain("Ministère B");
  });
});
