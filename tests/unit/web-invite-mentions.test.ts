import { describe, expect, it } from "vitest";
import { explainInviteRefusal } from "../../web/src/rooms/invite-refusal.ts";
import { markdownToContent, mentionedUserIds } from "../../web/src/timeline/markdown.ts";

const policyRefusal = (error: string) =>
  Object.assign(new Error(`MatrixError: [403] ${error}`), {
    errcode: "M_FORBIDDEN",
    httpStatus: 403,
    data: { errcode: "M_FORBIDDEN", error },
  });

describe("invite refusals in plain words", () => {
  it("names the external user refused by a room restricted to agents", () => {
    const e = explainInviteRefusal(
      policyRefusal("This room is restricted to agents: @emma:externe is an external user …"),
      { rule: "restricted", targetName: "Emma Garnier" },
    );
    expect(e.code).toBe("EXTERNAL_NOT_ALLOWED");
    expect(e.params).toEqual({ name: "Emma Garnier" });
  });
  it("tells a full direct chat apart, and keeps other errors as they are", () => {
    expect(
      explainInviteRefusal(policyRefusal("at most two"), { rule: "direct", targetName: "x" }).code,
    ).toBe("DIRECT_CHAT_FULL");
    expect(
      explainInviteRefusal(policyRefusal("power level"), { rule: "restricted", targetName: "x" })
        .code,
    ).toBe("ACCESS_RULES_REFUSED");
    expect(
      explainInviteRefusal(Object.assign(new Error("x"), { errcode: "M_LIMIT_EXCEEDED" }), {
        rule: "unrestricted",
        targetName: "x",
      }).code,
    ).toBe("RATE_LIMITED");
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
