/**
 * The meeting bot's commands, parsed from a message body. Pure: no Matrix, no clock of its own.
 *
 *   !meeting <title> [with <@user:server | e-mail> …] [at <ISO 8601 time>]
 *   !reunion <titre> [avec <@user:server | e-mail> …] [à <heure ISO 8601>]
 *   !help / !aide
 */

export type Lang = "en" | "fr";

export type MeetingCommand =
  | { kind: "help"; lang: Lang }
  | { kind: "meeting"; lang: Lang; title: string; participants: string[]; at: Date | undefined }
  | { kind: "invalid"; lang: Lang; problem: CommandProblem };

export type CommandProblem =
  | { code: "NO_TITLE" }
  | { code: "NO_PARTICIPANTS" }
  | { code: "BAD_PARTICIPANT"; value: string }
  | { code: "NO_TIME" }
  | { code: "BAD_TIME"; value: string }
  | { code: "PAST_TIME"; value: string }
  | { code: "TOO_FAR"; value: string }
  | { code: "UNKNOWN_COMMAND"; value: string };

const MEETING = new Map<string, Lang>([
  ["!meeting", "en"],
  ["!reunion", "fr"],
  ["!réunion", "fr"],
]);
const HELP = new Map<string, Lang>([
  ["!help", "en"],
  ["!aide", "fr"],
]);
const WITH = new Set(["with", "avec"]);
const AT = new Set(["at", "à", "a", "le"]);
const FILLER = new Set(["and", "et", ","]);

const MATRIX_ID = /^@[^:\s]+:[A-Za-z0-9.-]+(:\d+)?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// Date and time, optional seconds, optional zone; without a zone it is the bot's local time.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A year ahead at most: a reminder further out is more likely a typo than a plan. */
const MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;

/** The command in `body`, or undefined when the message is not for the bot at all. */
export function parseCommand(
  body: string,
  now: Date,
  timeZone = "Europe/Paris",
): MeetingCommand | undefined {
  const text = body.trim();
  if (!text.startsWith("!")) return undefined;
  const tokens = text.split(/\s+/);
  const head = (tokens.shift() ?? "").toLowerCase();
  const helpLang = HELP.get(head);
  if (helpLang) return { kind: "help", lang: helpLang };
  const lang = MEETING.get(head);
  if (!lang) {
    // Only the bot's own prefix family is answered; other bots' commands are not ours.
    if (/^!(meet|reun|réun)/.test(head)) {
      return {
        kind: "invalid",
        lang: head.startsWith("!meet") ? "en" : "fr",
        problem: { code: "UNKNOWN_COMMAND", value: head },
      };
    }
    return undefined;
  }
  const invalid = (problem: CommandProblem): MeetingCommand => ({ kind: "invalid", lang, problem });

  const title: string[] = [];
  const participants: string[] = [];
  let timeTokens: string[] | undefined;
  let section: "title" | "with" | "at" = "title";
  let sawWith = false;
  for (const [i, raw] of tokens.entries()) {
    const word = raw.toLowerCase();
    if (section !== "at" && WITH.has(word) && !sawWith) {
      section = "with";
      sawWith = true;
      continue;
    }
    if (section !== "at" && AT.has(word) && (section === "with" || startsWithDate(tokens[i + 1]))) {
      section = "at";
      timeTokens = [];
      continue;
    }
    if (section === "title") title.push(raw);
    else if (section === "with") {
      for (const part of raw.split(",")) {
        const p = part.trim();
        if (p && !FILLER.has(p.toLowerCase())) participants.push(p);
      }
    } else timeTokens!.push(raw);
  }

  if (title.length === 0) return invalid({ code: "NO_TITLE" });
  if (sawWith && participants.length === 0) return invalid({ code: "NO_PARTICIPANTS" });
  for (const p of participants) {
    if (!MATRIX_ID.test(p) && !EMAIL.test(p)) return invalid({ code: "BAD_PARTICIPANT", value: p });
  }
  let at: Date | undefined;
  if (timeTokens !== undefined) {
    const value = timeTokens.join(" ");
    if (!value) return invalid({ code: "NO_TIME" });
    if (!ISO_TIME.test(value)) return invalid({ code: "BAD_TIME", value });
    at = parseIsoTime(value, timeZone);
    if (Number.isNaN(at.getTime())) return invalid({ code: "BAD_TIME", value });
    if (at.getTime() <= now.getTime()) return invalid({ code: "PAST_TIME", value });
    if (at.getTime() - now.getTime() > MAX_AHEAD_MS) return invalid({ code: "TOO_FAR", value });
  }
  return { kind: "meeting", lang, title: title.join(" "), participants: unique(participants), at };
}

/** "at" inside a title ("Point at the office") is a word unless a time (a digit) follows. */
function startsWithDate(next: string | undefined): boolean {
  return next !== undefined && /^\d/.test(next);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** An ISO 8601 time; without a zone it is wall-clock time in `timeZone` (DST included). */
export function parseIsoTime(value: string, timeZone: string): Date {
  const iso = value.replace(" ", "T");
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) return new Date(iso);
  const asUtc = new Date(`${iso}Z`).getTime();
  if (Number.isNaN(asUtc)) return new Date(NaN);
  // The zone's offset at that moment; computed twice so a DST change in between is caught.
  let t = asUtc - zoneOffsetMs(asUtc, timeZone);
  t = asUtc - zoneOffsetMs(t, timeZone);
  return new Date(t);
}

function zoneOffsetMs(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return wall - Math.floor(t / 1000) * 1000;
}
