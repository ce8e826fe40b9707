/** The widgets added to a room, kept current as its state changes. Framework-free. */
import { RoomStateEvent, type MatrixEvent, type Room } from "matrix-js-sdk";
import { Store } from "../util/store.ts";
import { parseRoomWidgets, ROOM_WIDGET_EVENT_TYPES, type RoomWidget } from "./room-widgets.ts";

export class RoomWidgetList {
  readonly widgets: Store<RoomWidget[]>;
  private readonly off: () => void;

  constructor(private readonly room: Room) {
    this.widgets = new Store(this.read());
    const onState = (ev: MatrixEvent) => {
      if (ROOM_WIDGET_EVENT_TYPES.includes(ev.getType())) this.widgets.set(this.read());
    };
    room.currentState.on(RoomStateEvent.Events, onState);
    this.off = () => room.currentState.off(RoomStateEvent.Events, onState);
  }

  private read(): RoomWidget[] {
    const events = ROOM_WIDGET_EVENT_TYPES.flatMap((type) =>
      this.room.currentState.getStateEvents(type).map((e) => ({
        type,
        state_key: e.getStateKey(),
        sender: e.getSender() ?? "",
        content: e.getContent(),
      })),
    );
    return parseRoomWidgets(events);
  }

  dispose(): void {
    this.off();
  }
}
