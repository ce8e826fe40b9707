/**
 * Incoming call rings (MSC4075 `org.matrix.msc4075.rtc.notification`): which notifications
 * ring this user, and until when. Pure.
 */
import { RTC_NOTIFICATION_EVENT } from "../element-call/capabilities.ts";

/** MSC4075: a notification rings for at most two minutes… */
export const MAX_RING_LIFETIME_MS = 120_000;
/** …measured from `sender_ts` unless that lies further than this ahead of the server's clock. */
export const MAX_SENDER_TS_AHEAD_MS = 20_000;

export interface NotificationEventLike {
  type: string;
  event_id: string;
  room_id: string;
  sender: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
}

export interface Ring {
  roomId: string;
  notificationEventId: string;
  callerId: string;
  intent: "video" | "audio";
  /** Epoch ms after which the ring stops on its own. */
  expiresAt: number;
}

export function ringExpiry(content: Record<string, unknown>, originServerTs: number): number {
  const senderTs = typeof content.sender_ts === "number" ? content.sender_ts : originServerTs;
  const lifetime = typeof content.lifetime === "number" ? content.lifetime : 0;
  const basis = senderTs - originServerTs > MAX_SENDER_TS_AHEAD_MS ? originServerTs : senderTs;
  return basis + Math.min(Math.max(lifetime, 0), MAX_RING_LIFETIME_MS);
}

function mentions(content: Record<string, unknown>, userId: string): boolean {
  const m = content["m.mentions"];
  if (typeof m !== "object" || m === null) return false;
  const ids = (m as { user_ids?: unknown }).user_ids;
  return (m as { room?: unknown }).room === true || (Array.isArray(ids) && ids.includes(userId));
}

/**
 * The ring this notification starts for `me`, or null: rings are notifications of type
 * `ring` (or any notification in a DM that mentions me) from someone else, not yet expired.
 */
export function ringFromNotification(
  ev: NotificationEventLike,
  me: string,
  isDirect: boolean,
  now: number,
): Ring | null {
  if (ev.type !== RTC_NOTIFICATION_EVENT || ev.sender === me) return null;
  const c = ev.content;
  const type = c.notification_type;
  const rings = type === "ring" || (type === undefined && isDirect && mentions(c, me));
  if (!rings) return null;
  const expiresAt = ringExpiry(c, ev.origin_server_ts);
  if (expiresAt <= now) return null;
  return {
    roomId: ev.room_id,
    notificationEventId: ev.event_id,
    callerId: ev.sender,
    intent: c["m.call.intent"] === "audio" ? "audio" : "video",
    expiresAt,
  };
}

/** Whether a decline event (MSC4310) answers this ring. */
export function declines(
  ev: { type: string; sender: string; content: Record<string, unknown> },
  ring: Ring,
  me: string,
): boolean {
  if (ev.type !== "org.matrix.msc4310.rtc.decline" || ev.sender !== me) return false;
  const rel = ev.content["m.relates_to"] as { rel_type?: unknown; event_id?: unknown } | undefined;
  return rel?.rel_type === "m.reference" && rel.event_id === ring.notificationEventId;
}
