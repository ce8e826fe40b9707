import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  POLICY_REASON_FIELD,
  POLICY_REASONS,
} from "../../homeserver-config/src/policy/refusal-reasons.ts";
import { toAppError } from "../../web/src/core/app-error.ts";
import { en } from "../../web/src/i18n/en.ts";
import { fr } from "../../web/src/i18n/fr.ts";
import { explainInviteRefusal } from "../../web/src/rooms/invite-refusal.ts";
import { markdownToContent, mentionedUserIds } from "../../web/src/timeline/markdown.ts";

const policyRefusal = (error: string, reason?: string) =>
  Object.assign(new Error(`MatrixError: [403] ${error}`), {
    errcode: "M_FORBIDDEN",
    httpStatus: 403,
    data: { errcode: "M_FORBIDDEN", error, ...(reason ? { "fr.tchap.reason": reason } : {}) },
  });

describe("policy refusals in plain words, from fr.tchap.reason", () => {
  it("names the external user refused by a room restricted to agents", () => {
    const e = explainInviteRefusal(
      policyRefusal("Something in English", "external_not_allowed"),
      "Emma Garnier",
    );
    expect(e.code).toBe("EXTERNAL_NOT_ALLOWED");
    expect(e.params).toEqual({ name: "Emma Garnier" });
  });
  it("maps the reason, never the text", () => {
    expect(explainInviteRefusal(policyRefusal("external user", "direct_chat_full"), "x").code).toBe(
      "DIRECT_CHAT_FULL",
    );
    // No reason: an English text mentioning externals is not guessed at.
    expect(explainInviteRefusal(policyRefusal("external user"), "x").code).toBe(
      "ACCESS_RULES_REFUSED",
    );
    expect(explainInviteRefusal(policyRefusal("x", "not_a_reason"), "x").code).toBe(
      "ACCESS_RULES_REFUSED",
    );
    expect(toAppError(policyRefusal("x", "external_cannot_create_room"), "generic").code).toBe(
      "EXTERNAL_CANNOT_CREATE_ROOM",
    );
    expect(
      explainInviteRefusal(Object.assign(new Error("x"), { errcode: "M_LIMIT_EXCEEDED" }), "x")
        .code,
    ).toBe("RATE_LIMITED");
  });
  it("has a French and an English message for every reason", () => {
    for (const reason of POLICY_REASONS) {
      const code = reason.toUpperCase() as keyof typeof fr.errors;
      expect(fr.errors[code], reason).toBeTruthy();
      expect(en.errors[code], reason).toBeTruthy();
    }
  });
  it("lists the same reasons as the Synapse module", () => {
    const py = readFileSync(
      new URL("../../homeserver-config/synapse-modules/tchap_policy/reasons.py", import.meta.url),
      "utf8",
    );
    const inPython = [...py.matchAll(/^[A-Z_]+ = "([a-z_]+)"$/gm)].map((m) => m[1]);
    expect(inPython.filter((r) => r !== POLICY_REASON_FIELD).sort()).toEqual(
      [...POLICY_REASONS].sort(),
    );
    expect(py).toContain(`REASON_FIELD = "${POLICY_REASON_FIELD}"`);
  });
});

describe("mentions", () => {
  it("lists Matrix IDs typed in a message once, not e-mail addresses", () => {
    expect(
      mentionedUserIds(
        "@chloe.b:ministere-b.localhost voir (@x:y.localhost:8448) et @chloe.b:ministere-b.localhost.",
      ),
    ).toEqual(["@chloe.b:ministere-b.localhost", "@x:y.localhost:8448"]);
    expect(mentionedUserIds("écrire à alice@ministere-a.gouv.fr")).toEqual([]);
  });
  it("adds m.mentions only when someone is named", () => {
    expect(markdownToContent("bonjour @a:s.localhost")["m.mentions"]).toEqual({
      user_ids: ["@a:s.localhost"],
    });
    expect(markdownToContent("bonjour")).toEqual({ msgtype: "m.text", body: "bonjour" });
  });
});
