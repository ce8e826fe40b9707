import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Room } from "matrix-js-sdk";
import { RoomCallModel } from "../../../widgets/src/calls/room-call-model.ts";
import type { CallMedia } from "../../../widgets/src/element-call/widget-url.ts";
import { useObservable } from "../core/use-observable.ts";
import { useSession } from "../session/current-session.ts";
import { callControllerFor } from "./call-controller-context.ts";
import { CALLS_NS, ensureCallsI18n } from "./calls-i18n.ts";
import { RoomWidgets } from "./RoomWidgets.tsx";

ensureCallsI18n();

/**
 * A room's calls: the call buttons (room header), and above the timeline either the banner of
 * a call in progress (participants, Join) or, when this device is in the room's call, the
 * place where the call docks.
 */
export function RoomCallControls({
  room,
  placement,
}: {
  room: Room;
  placement: "header" | "banner";
}) {
  const session = useSession();
  const controller = callControllerFor(session);
  const model = useMemo(() => new RoomCallModel(session.client, room), [session, room]);
  useEffect(() => () => model.dispose(), [model]);
  const call = useObservable(model.state);
  const active = useObservable(controller.active);
  const here = active?.roomId === room.roomId;
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (placement === "header") controller.warmUp();
  }, [controller, placement, room]);
  // A call is on in the room on screen and we are in none: load Element Call out of sight
  // now, so that Join (or the video button) only has to join.
  const preload = placement === "banner" && call.ongoing && !active;
  const joinMedia: CallMedia = call.intent === "audio" ? "voice" : "video";
  useEffect(() => {
    if (!preload) return;
    controller.preload(room.roomId, joinMedia);
    return () => controller.cancelPreload(room.roomId);
  }, [controller, preload, joinMedia, room]);
  const { t } = useTranslation(CALLS_NS);

  const start = (media: CallMedia) => {
    setError(null);
    try {
      controller.start(room.roomId, media);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (placement === "header") {
    return (
      <span className="call-buttons">
        <button
          type="button"
          aria-label={t("startVideo")}
          title={t("startVideo")}
          disabled={here}
          onClick={() => start("video")}
        >
          {t("videoCall")}
        </button>
        <button
          type="button"
          aria-label={t("startVoice")}
          title={t("startVoice")}
          disabled={here}
          onClick={() => start("voice")}
        >
          {t("voiceCall")}
        </button>
        {error && (
          <span role="alert" className="error">
            {t("callFailed", { reason: error })}
          </span>
        )}
      </span>
    );
  }

  return (
    <>
      {here ? (
        <DockTarget
          roomId={room.roomId}
          count={call.participants.length}
          names={call.participants.map((p) => p.displayName)}
        />
      ) : (
        call.ongoing && (
          <section className="call-banner" aria-label={t("ongoing")}>
            <span className="call-banner-title">{t("ongoing")}</span>
            <span className="call-count" data-count={call.participants.length}>
              {t("ongoingCount", { count: call.participants.length })}
            </span>
            <ul className="call-participants">
              {call.participants.map((p) => (
                <li key={p.userId}>{p.displayName}</li>
              ))}
            </ul>
            <button
              type="button"
              className="primary"
              onClick={() => start(call.intent === "audio" ? "voice" : "video")}
            >
              {t("join")}
            </button>
          </section>
        )
      )}
      <RoomWidgets room={room} />
    </>
  );
}

/** Where the active call shows while its room is on screen (the dock positions the call here). */
function DockTarget(props: { roomId: string; count: number; names: string[] }) {
  const { roomId, count, names } = props;
  const session = useSession();
  const controller = callControllerFor(session);
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useTranslation(CALLS_NS);
  useEffect(() => {
    controller.setDockTarget(roomId, ref.current);
    return () => controller.setDockTarget(roomId, null);
  }, [controller, roomId]);
  return (
    <section className="call-docked" aria-label={t("inCall")}>
      <div className="call-docked-status">
        <span>{t("inCall")}</span>
        <span className="call-count" data-count={count} title={names.join(", ")}>
          {t("ongoingCount", { count })}
        </span>
        <button type="button" className="danger" onClick={() => void controller.hangup()}>
          {t("hangup")}
        </button>
      </div>
      <div className="call-dock-target" ref={ref} />
    </section>
  );
}
