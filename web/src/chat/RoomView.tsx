import { useEffect, useLayoutEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { RoomCallControls } from "../calls/RoomCallControls.tsx";
import { useObservable } from "../core/use-observable.ts";
import type { ChatViewModel } from "../rooms/chat-view-model.ts";
import type { RoomViewModel } from "../rooms/room-view-model.ts";
import { IdentityChangeGate } from "../encryption/IdentityChangeGate.tsx";
import { PersonVerification } from "../encryption/PersonVerification.tsx";
import { Composer } from "./Composer.tsx";
import { MemberList } from "./MemberList.tsx";
import { TimelineRow } from "./TimelineRow.tsx";

export function RoomView({ vm, chat }: { vm: RoomViewModel; chat: ChatViewModel }) {
  const { t } = useTranslation();
  const s = useObservable(vm.state);
  const dialog = useObservable(chat.dialog);
  const room = chat.client.getRoom(s.roomId);
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const lastItem = s.items[s.items.length - 1]?.id;
  const firstItem = s.items[0]?.id;
  const seen = useRef({ firstItem, height: 0 });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (stickToBottom.current) el.scrollTop = el.scrollHeight;
    else if (seen.current.firstItem !== firstItem) {
      // Older messages went in above: keep what the reader was looking at in place. (At the
      // very top the browser does not anchor, and the next scroll up would load nothing.)
      el.scrollTop += el.scrollHeight - seen.current.height;
    }
    seen.current = { firstItem, height: el.scrollHeight };
  }, [lastItem, firstItem, s.items.length]);

  useEffect(() => {
    const onFocus = () => vm.markRead();
    window.addEventListener("focus", onFocus);
    return () => window.removeEventListener("focus", onFocus);
  }, [vm]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 80 && s.canPaginate && !s.paginating) void vm.paginate();
  };

  return (
    <section className="room" aria-labelledby="room-title">
      <header className="room-header">
        <div className="room-title-block">
          <h2 id="room-title">{s.name}</h2>
          {s.encrypted && (
            <span className="e2e" title={t("room.encryptedHint")}>
              🔒 {t("room.encrypted")}
            </span>
          )}
          {s.topic && <p className="muted topic">{s.topic}</p>}
        </div>
        <div className="room-header-actions">
          {s.isDirect && (
            <PersonVerification room={vm} trust={chat.trust} verification={chat.verification} />
          )}
          {room && <RoomCallControls room={room} placement="header" />}
          <button
            type="button"
            aria-pressed={dialog === "members"}
            onClick={() => chat.dialog.set(dialog === "members" ? null : "members")}
          >
            {t("room.members")}
          </button>
          {s.canInvite && !s.isDirect && (
            <button type="button" onClick={() => chat.dialog.set("invite")}>
              {t("room.invite")}
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              if (window.confirm(t("room.leaveConfirm", { name: s.name }))) void vm.leave();
            }}
          >
            {t("room.leave")}
          </button>
        </div>
      </header>
      {room && <RoomCallControls room={room} placement="banner" />}
      <div className="room-body">
        <div className="timeline-column">
          <div
            className="timeline"
            ref={scroller}
            onScroll={onScroll}
            role="log"
            aria-live="polite"
            aria-label={t("room.timeline")}
          >
            {s.canPaginate && (
              <button
                type="button"
                className="load-more"
                disabled={s.paginating}
                onClick={() => void vm.paginate()}
              >
                {s.paginating ? t("room.loadingOlder") : t("room.loadOlder")}
              </button>
            )}
            <ol className="items">
              {s.items.map((item) => (
                <TimelineRow key={item.id} item={item} vm={vm} media={chat.media} />
              ))}
            </ol>
          </div>
          <p className="typing" aria-live="polite">
            {s.typing.length > 0 &&
              t("room.typing", { count: s.typing.length, names: s.typing.join(", ") })}
          </p>
          {s.uploads.map((u) => (
            <div className="upload" key={u.id} role="status">
              <span>{u.name}</span>
              {u.error ? (
                <>
                  <span className="error">{t(`errors.${u.error}`)}</span>
                  <button type="button" onClick={() => vm.dismissUpload(u.id)}>
                    {t("common.close")}
                  </button>
                </>
              ) : (
                <>
                  <progress
                    max={u.total || 1}
                    value={u.loaded}
                    aria-label={t("room.uploading", { name: u.name })}
                  />
                  <button
                    type="button"
                    onClick={() => vm.cancelUpload(u.id)}
                    aria-label={t("room.cancelUpload", { name: u.name })}
                  >
                    {t("common.cancel")}
                  </button>
                </>
              )}
            </div>
          ))}
          <IdentityChangeGate
            room={vm}
            isDirect={s.isDirect}
            trust={chat.trust}
            verification={chat.verification}
          >
            <Composer vm={vm} />
          </IdentityChangeGate>
        </div>
        {dialog === "members" && (
          <MemberList vm={vm} trust={chat.trust} onClose={() => chat.dialog.set(null)} />
        )}
      </div>
    </section>
  );
}
