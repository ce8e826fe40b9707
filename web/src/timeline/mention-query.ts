/**
 * Mentions typed in the composer, pure: "@" plus letters before the caret asks for members by
 * display name; choosing one replaces "@query" with the name. Unit-tested.
 */
export interface MentionCandidate {
  userId: string;
  /** Display name without the agency label. */
  name: string;
  agency: string | null;
}

export interface MentionQuery {
  /** Index of the "@" in the text. */
  start: number;
  query: string;
}

/** Mentions chosen in the composer: who, and the text that names them. */
export interface ChosenMention {
  userId: string;
  name: string;
}

// "@" at the start or after a space/bracket, then letters (any script), digits, dots, dashes,
// and single spaces between words ("@Chloé Ber").
const QUERY = /(?:^|[\s(])@((?:[\p{L}\p{N}._'-]+ ?){0,3})$/u;

export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const m = QUERY.exec(before);
  if (!m) return null;
  const query = m[1]!;
  // A Matrix ID being typed ("@name:server") is left alone.
  if (query.includes(":")) return null;
  return { start: caret - query.length - 1, query: query.trimEnd() };
}

export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Members whose name has a word starting with the query (accents and case ignored). */
export function matchMembers(
  members: readonly MentionCandidate[],
  query: string,
  myUserId: string,
  limit = 8,
): MentionCandidate[] {
  const q = fold(query.trim());
  const hits = members.filter((m) => {
    if (m.userId === myUserId) return false;
    if (!q) return true;
    const name = fold(m.name);
    return name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q));
  });
  return hits
    .sort((a, b) => {
      const pa = fold(a.name).startsWith(q) ? 0 : 1;
      const pb = fold(b.name).startsWith(q) ? 0 : 1;
      return pa - pb || a.name.localeCompare(b.name, "fr");
    })
    .slice(0, limit);
}

/** Replaces "@query" (from `query.start` to the caret) by the name and a space. */
export function insertMention(
  text: string,
  query: MentionQuery,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const inserted = `${name} `;
  const after = text.slice(caret).replace(/^ /, "");
  return {
    text: text.slice(0, query.start) + inserted + after,
    caret: query.start + inserted.length,
  };
}

/** The chosen mentions still named in the text at send time (the user may have deleted some). */
export function mentionsInText(text: string, chosen: readonly ChosenMention[]): ChosenMention[] {
  const seen = new Set<string>();
  return chosen.filter((m) => {
    if (seen.has(m.userId) || !text.includes(m.name)) return false;
    seen.add(m.userId);
    return true;
  });
}
