import { describe, expect, it } from "vitest";
import { markdownToContent } from "../../web/src/timeline/markdown.ts";
import {
  insertMention,
  matchMembers,
  mentionQuery,
  mentionsInText,
} from "../../web/src/timeline/mention-query.ts";

const members = [
  { userId: "@alice:a", name: "Alice Martin", agency: "Min. A" },
  { userId: "@chloe:b", name: "Chloé Bernard", agency: "Min. B" },
  { userId: "@bruno:a", name: "Bruno Leroy", agency: "Min. A" },
  { userId: "@emma:x", name: "Émilie Bertin", agency: "Externe" },
];

describe("mention query in the composer", () => {
  it("opens on @ and letters at the start or after a space, up to the caret", () => {
    expect(mentionQuery("@chl", 4)).toEqual({ start: 0, query: "chl" });
    expect(mentionQuery("Merci @Chloé Ber", 16)).toEqual({ start: 6, query: "Chloé Ber" });
    expect(mentionQuery("Merci @", 7)).toEqual({ start: 6, query: "" });
    expect(mentionQuery("@chl et la suite", 4)).toEqual({ start: 0, query: "chl" });
  });
  it("stays closed in e-mail addresses, Matrix IDs and plain text", () => {
    expect(mentionQuery("alice@ministere", 15)).toBeNull();
    expect(mentionQuery("@chloe:ministere-b", 18)).toBeNull();
    expect(mentionQuery("bonjour", 7)).toBeNull();
    expect(mentionQuery("@a b c d e", 10)).toBeNull(); // too many words: not a name any more
  });
  it("matches any word of the name, ignoring accents and case, never myself", () => {
    expect(matchMembers(members, "chl", "@alice:a").map((m) => m.userId)).toEqual(["@chloe:b"]);
    expect(matchMembers(members, "ber", "@alice:a").map((m) => m.userId)).toEqual([
      "@chloe:b",
      "@emma:x",
    ]);
    expect(matchMembers(members, "emi", "@alice:a").map((m) => m.userId)).toEqual(["@emma:x"]);
    expect(matchMembers(members, "ali", "@alice:a")).toEqual([]);
    expect(matchMembers(members, "", "@alice:a")).toHaveLength(3);
    expect(matchMembers(members, "B", "@x:y", 1)).toHaveLength(1);
  });
  it("puts names starting with the query first", () => {
    const list = [
      { userId: "@1:s", name: "Anne Bruno", agency: null },
      { userId: "@2:s", name: "Bruno Leroy", agency: null },
    ];
    expect(matchMembers(list, "bru", "@me:s").map((m) => m.userId)).toEqual(["@2:s", "@1:s"]);
  });
  it("replaces @query by the name and puts the caret after it", () => {
    const text = "Merci @Ber, à demain";
    const q = mentionQuery(text, 10)!;
    expect(insertMention(text, q, 10, "Chloé Bernard")).toEqual({
      text: "Merci Chloé Bernard , à demain",
      caret: 20,
    });
    expect(insertMention("@chl", mentionQuery("@chl", 4)!, 4, "Chloé Bernard")).toEqual({
      text: "Chloé Bernard ",
      caret: 14,
    });
  });
  it("keeps only the mentions still named in the text, once each", () => {
    const chosen = [
      { userId: "@chloe:b", name: "Chloé Bernard" },
      { userId: "@bruno:a", name: "Bruno Leroy" },
      { userId: "@chloe:b", name: "Chloé Bernard" },
    ];
    expect(mentionsInText("Merci Chloé Bernard", chosen)).toEqual([chosen[0]]);
  });
});

describe("mention content", () => {
  it("links the display name to matrix.to and lists the id in m.mentions", () => {
    const c = markdownToContent("Merci Chloé Bernard pour la relecture", [
      { userId: "@chloe.b:ministere-b.localhost", name: "Chloé Bernard" },
    ]);
    expect(c).toEqual({
      msgtype: "m.text",
      body: "Merci Chloé Bernard pour la relecture",
      format: "org.matrix.custom.html",
      formatted_body:
        'Merci <a href="https://matrix.to/#/@chloe.b:ministere-b.localhost">Chloé Bernard</a> pour la relecture',
      "m.mentions": { user_ids: ["@chloe.b:ministere-b.localhost"] },
    });
  });
  it("works inside markdown, escapes the name, skips names no longer in the text", () => {
    const c = markdownToContent("**Urgent** : Jean <Dev> & co", [
      { userId: "@j:s", name: "Jean <Dev>" },
      { userId: "@gone:s", name: "Parti" },
    ]);
    expect(c.formatted_body).toBe(
      '<strong>Urgent</strong> : <a href="https://matrix.to/#/@j:s">Jean &lt;Dev&gt;</a> &amp; co',
    );
    expect(c["m.mentions"]).toEqual({ user_ids: ["@j:s"] });
  });
});
