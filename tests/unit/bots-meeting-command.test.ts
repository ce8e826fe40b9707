import { describe, expect, it } from "vitest";
import { parseCommand, parseIsoTime } from "../../bots/meeting/command.ts";
import { problemText } from "../../bots/meeting/messages.ts";

const now = new Date("2026-11-26T09:00:00Z");
const parse = (s: string) => parseCommand(s, now, "Europe/Paris");

describe("meeting bot commands", () => {
  it("reads title, participants (Matrix IDs and e-mails, commas or spaces) and time", () => {
    expect(
      parse(
        "!meeting Budget review with @chloe:ministere-b, david.leroy@ministere-b.gouv.fr at 2026-12-01T10:00Z",
      ),
    ).toEqual({
      kind: "meeting",
      lang: "en",
      title: "Budget review",
      participants: ["@chloe:ministere-b", "david.leroy@ministere-b.gouv.fr"],
      at: new Date("2026-12-01T10:00:00Z"),
    });
  });

  it("speaks French for !reunion, and reads a time without zone as Paris time", () => {
    const c = parse(
      "!reunion Point d'étape avec alice.martin@ministere-a.gouv.fr à 2026-12-01T10:00",
    );
    expect(c).toMatchObject({ kind: "meeting", lang: "fr", title: "Point d'étape" });
    // 1 December: Paris is UTC+1.
    expect(c?.kind === "meeting" && c.at?.toISOString()).toBe("2026-12-01T09:00:00.000Z");
    // Summer time: UTC+2.
    expect(parseIsoTime("2027-07-01T10:00", "Europe/Paris").toISOString()).toBe(
      "2027-07-01T08:00:00.000Z",
    );
  });

  it('keeps "at" inside a title when no date follows', () => {
    expect(parse("!meeting Coffee at the office")).toMatchObject({
      title: "Coffee at the office",
      at: undefined,
    });
  });

  it("says what is wrong with a malformed command", () => {
    expect(parse("!meeting")).toMatchObject({ kind: "invalid", problem: { code: "NO_TITLE" } });
    expect(parse("!meeting X with")).toMatchObject({ problem: { code: "NO_PARTICIPANTS" } });
    expect(parse("!meeting X with bob")).toMatchObject({
      problem: { code: "BAD_PARTICIPANT", value: "bob" },
    });
    expect(parse("!meeting X at tomorrow")).toMatchObject({
      kind: "meeting",
      title: "X at tomorrow",
    });
    expect(parse("!meeting X with @a:b at tomorrow")).toMatchObject({
      problem: { code: "BAD_TIME", value: "tomorrow" },
    });
    expect(parse("!meeting X at 2026-11-25T10:00Z")).toMatchObject({
      problem: { code: "PAST_TIME" },
    });
    expect(parse("!meetings X")).toMatchObject({
      problem: { code: "UNKNOWN_COMMAND", value: "!meetings" },
    });
    expect(problemText("fr", { code: "NO_TITLE" })).toMatch(
      /^Il manque le titre de la réunion\.\nUsage : !reunion/,
    );
  });

  it("answers help in both languages and ignores what is not for it", () => {
    expect(parse("!help")).toEqual({ kind: "help", lang: "en" });
    expect(parse("!aide")).toEqual({ kind: "help", lang: "fr" });
    expect(parse("hello !meeting")).toBeUndefined();
    expect(parse("!ban @someone")).toBeUndefined();
  });
});
