/** What happens in a room and on the device, as a widget host needs it (interface we own). */
import type { IRoomEvent } from "matrix-widget-api";

/** A to-device message as the widget API carries it (matrix-widget-api's IToDeviceMessage). */
export interface ToDeviceMessage {
  type: string;
  sender: string;
  content: Record<string, unknown>;
}

export interface WidgetEventFeed {
  /** Live timeline events of a room, decrypted; returns the unsubscribe function. */
  onTimelineEvent(roomId: string, listener: (ev: IRoomEvent) => void): () => void;
  /** Room state changes. */
  onStateEvent(roomId: string, listener: (ev: IRoomEvent) => void): () => void;
  /** To-device messages, decrypted, with whether they arrived encrypted. */
  onToDevice(listener: (msg: ToDeviceMessage, encrypted: boolean) => void): () => void;
}
