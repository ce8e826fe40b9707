/** The room list's pure logic: what a row shows, the order, the filter. */
export type RoomKind = "invite" | "dm" | "room";

export interface RoomSummary {
  roomId: string;
  kind: RoomKind;
  name: string;
  /** For DMs and invites: the other person's agency label. */
  agency: string | null;
  encrypted: boolean;
  /** Timestamp of the latest event that counts as activity (0 when unknown). */
  lastActivity: number;
  unread: number;
  mentions: number;
  /** Invites: who invited, for the accept/decline row. */
  inviter: string | null;
  /** Forum rooms are public; shown with their own icon. */
  isPublic: boolean;
}

/** Lowercase and without accents, so "chloe" finds "Chloé". */
export function foldForSearch(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Invites first, then by latest activity; ties by name so the order is stable. */
export function compareRooms(a: RoomSummary, b: RoomSummary): number {
  const inviteA = a.kind === "invite" ? 0 : 1;
  const inviteB = b.kind === "invite" ? 0 : 1;
  if (inviteA !== inviteB) return inviteA - inviteB;
  if (a.lastActivity !== b.lastActivity) return b.lastActivity - a.lastActivity;
  return a.name.localeCompare(b.name, "fr");
}

export function roomListView(summaries: RoomSummary[], filter: string): RoomSummary[] {
  const f = foldForSearch(filter.trim());
  const shown = f
    ? summaries.filter((s) => foldForSearch(`${s.name} ${s.agency ?? ""}`).includes(f))
    : summaries;
  return [...shown].sort(compareRooms);
}

/** Total badge for the window title: mentions matter most. */
export function totals(summaries: RoomSummary[]): {
  unread: number;
  mentions: number;
  invites: number;
} {
  let unread = 0;
  let mentions = 0;
  let invites = 0;
  for (const s of summaries) {
    unread += s.unread;
    mentions += s.mentions;
    if (s.kind === "invite") invites++;
  }
  return { unread, mentions, invites };
}
