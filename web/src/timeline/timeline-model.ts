import type { UtdReason } from "./utd-reason.ts";

/**
 * The timeline's pure logic: from the room's events (already decrypted, in order) to the rows
 * the user sees — edits applied, reactions grouped, redactions shown, replies resolved, date
 * separators between days, read receipts placed. No SDK, no DOM: unit-tested directly.
 */

export type SendStatus = "sent" | "sending" | "failed";

export interface RawEvent {
  /** Event id, or the local echo's temporary id while not yet sent. */
  id: string;
  type: string;
  sender: string;
  senderName: string;
  ts: number;
  content: Record<string, unknown>;
  status: SendStatus;
  redacted: boolean;
  /** Encrypted and could not be decrypted (an "unable to decrypt"). */
  undecryptable: boolean;
  /** Why, when undecryptable (read as "unknown" if absent). */
  utdReason?: UtdReason;
  /** Encrypted and still being decrypted. */
  decrypting: boolean;
  stateKey?: string;
}

export interface MediaInfo {
  kind: "image" | "file" | "video" | "audio";
  name: string;
  mxc: string;
  /** Present for files of encrypted rooms (EncryptedFile of the spec). */
  encryptedFile?: Record<string, unknown>;
  mimetype?: string;
  size?: number;
  width?: number;
  height?: number;
  /** The sender's thumbnail (info.thumbnail_file in encrypted rooms, thumbnail_url otherwise). */
  thumbnail?: ThumbnailInfo;
}

export interface ThumbnailInfo {
  mxc: string;
  encryptedFile?: Record<string, unknown>;
  mimetype?: string;
  width?: number;
  height?: number;
}

export interface ReactionGroup {
  key: string;
  count: number;
  senders: string[];
  /** My reaction's event id, to take it back. */
  mine: string | null;
}

export interface MessageItem {
  kind: "message";
  id: string;
  sender: string;
  senderName: string;
  ts: number;
  msgtype: string;
  body: string;
  /** Sender's HTML, NOT yet sanitized (the view sanitizes right before rendering). */
  html: string | null;
  media: MediaInfo | null;
  edited: boolean;
  redacted: boolean;
  undecryptable: boolean;
  /** Why it cannot be decrypted; null when it can. */
  utdReason: UtdReason | null;
  decrypting: boolean;
  status: SendStatus;
  replyTo: { id: string; senderName: string; body: string } | null;
  reactions: ReactionGroup[];
  readBy: string[];
  mine: boolean;
  /** Someone else's message whose `m.mentions.user_ids` names me: shown highlighted. */
  mentionsMe: boolean;
}

export interface DayItem {
  kind: "day";
  id: string;
  /** Local midnight of the day, for formatting. */
  ts: number;
}

export interface NoticeItem {
  kind: "notice";
  id: string;
  ts: number;
  sender: string;
  senderName: string;
  /** i18n key and its values. */
  what: "joined" | "left" | "invited" | "kicked" | "created" | "encrypted" | "declined";
  target: string;
}

export type TimelineItem = MessageItem | DayItem | NoticeItem;

interface Relation {
  rel_type?: string;
  event_id?: string;
  key?: string;
  "m.in_reply_to"?: { event_id?: string };
}

function relation(e: RawEvent): Relation {
  return (e.content["m.relates_to"] as Relation | undefined) ?? {};
}

export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

function localMidnight(ts: number): number {
  const d = new Date(ts);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function mediaOf(content: Record<string, unknown>): MediaInfo | null {
  const msgtype = content.msgtype;
  const kind =
    msgtype === "m.image"
      ? "image"
      : msgtype === "m.file"
        ? "file"
        : msgtype === "m.video"
          ? "video"
          : msgtype === "m.audio"
            ? "audio"
            : null;
  if (!kind) return null;
  const file = content.file as Record<string, unknown> | undefined;
  const mxc = typeof content.url === "string" ? content.url : (file?.url as string | undefined);
  if (!mxc || !mxc.startsWith("mxc://")) return null;
  const info = (content.info ?? {}) as Record<string, unknown>;
  return {
    kind,
    name: String(content.filename ?? content.body ?? ""),
    mxc,
    ...(file ? { encryptedFile: file } : {}),
    ...(typeof info.mimetype === "string" ? { mimetype: info.mimetype } : {}),
    ...(typeof info.size === "number" ? { size: info.size } : {}),
    ...(typeof info.w === "number" ? { width: info.w } : {}),
    ...(typeof info.h === "number" ? { height: info.h } : {}),
    ...(kind === "image" ? thumbnailOf(info) : {}),
  };
}

function thumbnailOf(info: Record<string, unknown>): { thumbnail?: ThumbnailInfo } {
  const file = info.thumbnail_file as Record<string, unknown> | undefined;
  const mxc = file ? file.url : info.thumbnail_url;
  if (typeof mxc !== "string" || !mxc.startsWith("mxc://")) return {};
  const t = (info.thumbnail_info ?? {}) as Record<string, unknown>;
  return {
    thumbnail: {
      mxc,
      ...(file ? { encryptedFile: file } : {}),
      ...(typeof t.mimetype === "string" ? { mimetype: t.mimetype } : {}),
      ...(typeof t.w === "number" ? { width: t.w } : {}),
      ...(typeof t.h === "number" ? { height: t.h } : {}),
    },
  };
}

function mentionedIds(content: Record<string, unknown>): unknown[] {
  const ids = (content["m.mentions"] as { user_ids?: unknown } | undefined)?.user_ids;
  return Array.isArray(ids) ? ids : [];
}

/** Drops the reply fallback ("> <@x> quoted" lines) older clients put in `body`. */
export function stripReplyFallback(body: string): string {
  if (!body.startsWith("> ")) return body;
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith("> ")) i++;
  if (lines[i] === "") i++;
  return lines.slice(i).join("\n");
}

export function stripHtmlReplyFallback(html: string): string {
  return html.replace(/<mx-reply>[\s\S]*?<\/mx-reply>/gi, "");
}

const MEMBERSHIP_NOTICES: Record<string, NoticeItem["what"]> = {
  join: "joined",
  invite: "invited",
};

export interface BuildInput {
  events: RawEvent[];
  myUserId: string;
  /** Other users' read receipts: user id → event id read up to. */
  readUpTo?: Map<string, string>;
  /** Display names for receipts. */
  nameOf?: (userId: string) => string;
}

export function buildTimeline(input: BuildInput): TimelineItem[] {
  const { events, myUserId } = input;
  const byId = new Map(events.map((e) => [e.id, e]));

  // Latest valid edit per original (same sender only: an edit by someone else is ignored).
  const edits = new Map<string, RawEvent>();
  const reactions = new Map<string, Map<string, ReactionGroup>>();
  for (const e of events) {
    const rel = relation(e);
    if (e.type === "m.room.message" && rel.rel_type === "m.replace" && rel.event_id) {
      const original = byId.get(rel.event_id);
      if (original && original.sender === e.sender && !e.redacted) {
        const prev = edits.get(rel.event_id);
        if (!prev || prev.ts <= e.ts) edits.set(rel.event_id, e);
      }
    }
    if (
      e.type === "m.reaction" &&
      !e.redacted &&
      rel.rel_type === "m.annotation" &&
      rel.event_id &&
      rel.key
    ) {
      const groups = reactions.get(rel.event_id) ?? new Map<string, ReactionGroup>();
      reactions.set(rel.event_id, groups);
      const g = groups.get(rel.key) ?? { key: rel.key, count: 0, senders: [], mine: null };
      if (!g.senders.includes(e.sender)) {
        g.senders.push(e.sender);
        g.count++;
        if (e.sender === myUserId) g.mine = e.id;
      }
      groups.set(rel.key, g);
    }
  }

  const items: TimelineItem[] = [];
  const messageIndex = new Map<string, MessageItem>();
  let lastDay = "";
  const pushDay = (ts: number) => {
    const key = dayKey(ts);
    if (key !== lastDay) {
      lastDay = key;
      items.push({ kind: "day", id: `day-${key}`, ts: localMidnight(ts) });
    }
  };

  for (const e of events) {
    if (e.type === "m.room.message" || (e.type === "m.room.encrypted" && !e.redacted)) {
      const rel = relation(e);
      if (rel.rel_type === "m.replace") continue;
      // An in-DM verification request: its body is an English fallback for clients that cannot
      // verify; here the verification dialog shows it.
      if (e.content.msgtype === "m.key.verification.request") continue;
      const edit = edits.get(e.id);
      const shown = edit
        ? ((edit.content["m.new_content"] as Record<string, unknown> | undefined) ?? edit.content)
        : e.content;
      const replyId = rel["m.in_reply_to"]?.event_id;
      const replied = replyId ? byId.get(replyId) : undefined;
      const html =
        shown.format === "org.matrix.custom.html" && typeof shown.formatted_body === "string"
          ? stripHtmlReplyFallback(shown.formatted_body)
          : null;
      pushDay(e.ts);
      const item: MessageItem = {
        kind: "message",
        id: e.id,
        sender: e.sender,
        senderName: e.senderName,
        ts: e.ts,
        msgtype: String(shown.msgtype ?? ""),
        body: e.redacted ? "" : stripReplyFallback(String(shown.body ?? "")),
        html: e.redacted ? null : html,
        media: e.redacted ? null : mediaOf(shown),
        edited: !!edit,
        redacted: e.redacted,
        undecryptable: e.undecryptable,
        utdReason: e.undecryptable ? (e.utdReason ?? "unknown") : null,
        decrypting: e.decrypting,
        status: e.status,
        replyTo: replyId
          ? {
              id: replyId,
              senderName: replied?.senderName ?? "",
              body: replied
                ? replied.redacted
                  ? ""
                  : stripReplyFallback(
                      String(
                        (edits.get(replyId)?.content["m.new_content"] as { body?: string })?.body ??
                          replied.content.body ??
                          "",
                      ),
                    )
                : "",
            }
          : null,
        reactions: [...(reactions.get(e.id)?.values() ?? [])],
        readBy: [],
        mine: e.sender === myUserId,
        mentionsMe: e.sender !== myUserId && !e.redacted && mentionedIds(shown).includes(myUserId),
      };
      items.push(item);
      messageIndex.set(e.id, item);
    } else if (e.type === "m.room.member" && e.stateKey) {
      const membership = String(e.content.membership ?? "");
      let what = MEMBERSHIP_NOTICES[membership];
      if (membership === "leave") {
        what = e.sender === e.stateKey ? "left" : "kicked";
      }
      if (!what) continue;
      pushDay(e.ts);
      items.push({
        kind: "notice",
        id: e.id,
        ts: e.ts,
        sender: e.sender,
        senderName: e.senderName,
        what,
        target: String(e.content.displayname ?? input.nameOf?.(e.stateKey) ?? e.stateKey),
      });
    } else if (e.type === "m.room.encryption") {
      pushDay(e.ts);
      items.push({
        kind: "notice",
        id: e.id,
        ts: e.ts,
        sender: e.sender,
        senderName: e.senderName,
        what: "encrypted",
        target: "",
      });
    }
  }

  for (const [userId, eventId] of input.readUpTo ?? []) {
    if (userId === myUserId) continue;
    const item = messageIndex.get(eventId);
    if (item) item.readBy.push(input.nameOf?.(userId) ?? userId);
  }
  return items;
}

/** Whether `text` mentions me (display name or user id), for highlight counts. */
export function mentions(text: string, myUserId: string, myName: string): boolean {
  const t = text.toLowerCase();
  return t.includes(myUserId.toLowerCase()) || (!!myName && t.includes(myName.toLowerCase()));
}

/**
 * The new timeline with every item that did not change replaced by the previous object, so
 * views memoised on item identity re-render only the rows that changed (one new message
 * re-renders one row, not the whole room).
 */
export function reuseUnchanged(
  prev: readonly TimelineItem[],
  next: TimelineItem[],
): TimelineItem[] {
  if (prev.length === 0) return next;
  const byId = new Map(prev.map((i) => [i.id, i]));
  return next.map((item) => {
    const old = byId.get(item.id);
    return old && sameItem(old, item) ? old : item;
  });
}

function sameItem(a: TimelineItem, b: TimelineItem): boolean {
  const ka = Object.keys(a) as (keyof TimelineItem)[];
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = a[k] as unknown;
    const y = b[k] as unknown;
    if (x === y) continue;
    // Nested parts (reactions, readBy, replyTo, media) are small: compare by value.
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}
