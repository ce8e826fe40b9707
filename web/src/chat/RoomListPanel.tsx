import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import type { ChatViewModel } from "../rooms/chat-view-model.ts";
import type { RoomSummary } from "../rooms/room-list.ts";

export function RoomListPanel({ vm, selected }: { vm: ChatViewModel; selected: string | null }) {
  const { t } = useTranslation();
  const { filter, rooms } = useObservable(vm.roomList.state);
  return (
    <nav className="room-list" aria-label={t("rooms.list")}>
      <input
        type="search"
        className="filter"
        aria-label={t("rooms.filter")}
        placeholder={t("rooms.filter")}
        value={filter}
        onChange={(e) => vm.roomList.setFilter(e.target.value)}
      />
      <ul>
        {rooms.map((r) =>
          r.kind === "invite" ? (
            <InviteRow key={r.roomId} room={r} vm={vm} />
          ) : (
            <li key={r.roomId}>
              <button
                type="button"
                className="room-row"
                aria-current={r.roomId === selected ? "true" : undefined}
                data-room-id={r.roomId}
                onClick={() => vm.select(r.roomId)}
              >
                <span className="room-icon" aria-hidden="true">
                  {r.kind === "dm" ? "@" : r.isPublic ? "#" : "🔒"}
                </span>
                <span className="room-name">{r.name}</span>
                {r.agency && <span className="agency">{r.agency}</span>}
                {r.mentions > 0 && (
                  <span
                    className="badge mention"
                    aria-label={t("rooms.mentions", { count: r.mentions })}
                  >
                    {r.mentions}
                  </span>
                )}
                {r.unread > 0 && r.mentions === 0 && (
                  <span className="badge" aria-label={t("rooms.unread", { count: r.unread })}>
                    {r.unread}
                  </span>
                )}
              </button>
            </li>
          ),
        )}
      </ul>
      {rooms.length === 0 && <p className="muted">{t(filter ? "rooms.noMatch" : "rooms.empty")}</p>}
    </nav>
  );
}

function InviteRow({ room, vm }: { room: RoomSummary; vm: ChatViewModel }) {
  const { t } = useTranslation();
  return (
    <li className="invite" data-room-id={room.roomId}>
      <div>
        <strong className="room-name">{room.name}</strong>
        {room.agency && <span className="agency">{room.agency}</span>}
        <div className="muted">{t("rooms.invitedBy", { name: room.inviter ?? "?" })}</div>
      </div>
      <div className="row-actions">
        <button type="button" className="primary" onClick={() => void vm.accept(room.roomId)}>
          {t("rooms.accept")}
        </button>
        <button type="button" onClick={() => void vm.decline(room.roomId)}>
          {t("rooms.decline")}
        </button>
      </div>
    </li>
  );
}
