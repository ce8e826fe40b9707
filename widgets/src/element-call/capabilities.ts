/**
 * The exact capabilities Element Call 0.26 asks for in a room, and nothing more. Our own call
 * widget gets these without a prompt; anything else it asks for is refused.
 * Pure: depends only on matrix-widget-api's capability string builders.
 */
import { EventDirection, MatrixCapabilities, WidgetEventCapability } from "matrix-widget-api";

export const CALL_MEMBER_EVENT = "org.matrix.msc3401.call.member";
export const RTC_NOTIFICATION_EVENT = "org.matrix.msc4075.rtc.notification";
export const CALL_NOTIFY_EVENT = "org.matrix.msc4075.call.notify";
export const RTC_DECLINE_EVENT = "org.matrix.msc4310.rtc.decline";
export const RTC_MEMBER_EVENT = "org.matrix.msc4143.rtc.member";
export const CALL_ENCRYPTION_KEYS_EVENT = "io.element.call.encryption_keys";

/** Room events the widget both sends and receives. */
const SEND_RECEIVE_ROOM_EVENTS = [
  "org.matrix.rageshake_request",
  CALL_ENCRYPTION_KEYS_EVENT,
  "m.reaction",
  "m.room.redaction",
  "io.element.call.reaction",
  RTC_DECLINE_EVENT,
  RTC_MEMBER_EVENT,
];

/** Room events the widget only sends (the ring / notification of a new call). */
const SEND_ONLY_ROOM_EVENTS = [CALL_NOTIFY_EVENT, RTC_NOTIFICATION_EVENT];

const RECEIVE_STATE = [
  "m.room.create",
  "m.room.name",
  "m.room.member",
  "m.room.encryption",
  CALL_MEMBER_EVENT,
];

const TO_DEVICE = [
  "m.call.invite",
  "m.call.candidates",
  "m.call.answer",
  "m.call.hangup",
  "m.call.reject",
  "m.call.select_answer",
  "m.call.negotiate",
  "m.call.sdp_stream_metadata_changed",
  "org.matrix.call.sdp_stream_metadata_changed",
  "m.call.replaces",
  CALL_ENCRYPTION_KEYS_EVENT,
];

export interface CallWidgetIdentity {
  roomId: string;
  userId: string;
  deviceId: string;
}

/**
 * The state keys a device may write its own call membership under (legacy, MSC4143 with and
 * without the leading underscore). Never another user's or device's key.
 */
export function ownMembershipStateKeys({ userId, deviceId }: CallWidgetIdentity): string[] {
  return [userId, `_${userId}_${deviceId}_m.call`, `${userId}_${deviceId}_m.call`];
}

/**
 * Every capability our Element Call widget may hold for one room, user and device.
 * Sticky events (MSC4407) are left out on purpose: our homeservers do not enable MSC4354 and
 * Element Call only uses them in its newest membership mode, not the default one.
 */
export function elementCallCapabilities(id: CallWidgetIdentity): Set<string> {
  const caps = new Set<string>([
    MatrixCapabilities.AlwaysOnScreen,
    MatrixCapabilities.MSC4039DownloadFile,
    MatrixCapabilities.MSC4515RtcTransports,
    MatrixCapabilities.MSC4157SendDelayedEvent,
    MatrixCapabilities.MSC4157UpdateDelayedEvent,
    `org.matrix.msc2762.timeline:${id.roomId}`,
  ]);
  const add = (c: WidgetEventCapability) => caps.add(c.raw);
  for (const type of [...SEND_RECEIVE_ROOM_EVENTS, ...SEND_ONLY_ROOM_EVENTS]) {
    add(WidgetEventCapability.forRoomEvent(EventDirection.Send, type));
  }
  for (const type of SEND_RECEIVE_ROOM_EVENTS) {
    add(WidgetEventCapability.forRoomEvent(EventDirection.Receive, type));
  }
  for (const key of ownMembershipStateKeys(id)) {
    add(WidgetEventCapability.forStateEvent(EventDirection.Send, CALL_MEMBER_EVENT, key));
  }
  for (const type of RECEIVE_STATE) {
    add(WidgetEventCapability.forStateEvent(EventDirection.Receive, type));
  }
  for (const type of TO_DEVICE) {
    add(WidgetEventCapability.forToDeviceEvent(EventDirection.Send, type));
    add(WidgetEventCapability.forToDeviceEvent(EventDirection.Receive, type));
  }
  return caps;
}
