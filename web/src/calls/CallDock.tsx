import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import type { Ring } from "../../../widgets/src/calls/ring.ts";
import { useObservable } from "../core/use-observable.ts";
import { useSession } from "../session/current-session.ts";
import { callControllerFor, disposeCallController } from "./call-controller-context.ts";
import { CALLS_NS, ensureCallsI18n } from "./calls-i18n.ts";
import { RingSound } from "./RingSound.tsx";
import "./calls.css";

ensureCallsI18n();

/**
 * The active call, mounted once for the session: the call iframe lives here for the whole call
 * and is only moved by CSS (moving an iframe in the DOM would reload it and drop the call).
 * Docked over its room's placeholder while that room is open, a small floating view otherwise.
 * Also shows incoming DM rings.
 */
export function CallDock({ onOpenRoom }: { onOpenRoom?: (roomId: string) => void }) {
  const session = useSession();
  const controller = callControllerFor(session);
  const active = useObservable(controller.active);
  const target = useObservable(controller.dockTarget);
  const rings = useObservable(controller.rings);
  const body = useRef<HTMLDivElement>(null);
  const { t } = useTranslation(CALLS_NS);
  const [ringMuted, setRingMuted] = useState(false);
  useEffect(() => {
    if (rings.length === 0) setRingMuted(false);
  }, [rings.length]);

  useLayoutEffect(() => {
    controller.attachContainer(body.current);
    return () => controller.attachContainer(null);
  }, [controller]);
  // Logging out or leaving the chat ends the call.
  useEffect(() => () => disposeCallController(session), [session]);

  const docked = !!active && target?.roomId === active.roomId;
  const rect = useTrackedRect(docked ? target.element : null);
  const style: CSSProperties | undefined =
    docked && rect
      ? { top: rect.top, left: rect.left, width: rect.width, height: rect.height }
      : undefined;
  const roomName = active ? (session.client.getRoom(active.roomId)?.name ?? "") : "";
  const mode = !active ? "idle" : docked ? "docked" : "floating";

  return (
    <>
      <div
        className={`call-frame call-frame-${mode}`}
        style={style}
        data-call-state={active?.state ?? "none"}
        aria-label={active ? t("callIn", { room: roomName }) : undefined}
        role={active ? "region" : undefined}
      >
        {mode === "floating" && active && (
          <div className="call-floating-bar">
            <span className="call-floating-title">{t("callIn", { room: roomName })}</span>
            <button type="button" onClick={() => onOpenRoom?.(active.roomId)}>
              {t("backToCall")}
            </button>
            <button type="button" className="danger" onClick={() => void controller.hangup()}>
              {t("hangup")}
            </button>
          </div>
        )}
        <div className="call-frame-body" ref={body} />
      </div>
      {rings.length > 0 && <RingSound onMuted={setRingMuted} />}
      {rings.map((ring) => (
        <RingDialog
          key={ring.notificationEventId}
          ring={ring}
          muted={ringMuted}
          onAccept={() => {
            onOpenRoom?.(ring.roomId);
            controller.acceptRing(ring);
          }}
          onDecline={() => void controller.declineRing(ring)}
        />
      ))}
    </>
  );
}

function RingDialog(props: {
  ring: Ring;
  /** The browser refused to play the ring (see RingSound). */
  muted: boolean;
  onAccept: () => void;
  onDecline: () => void;
}) {
  const session = useSession();
  const { t } = useTranslation(CALLS_NS);
  const room = session.client.getRoom(props.ring.roomId);
  const name = room?.getMember(props.ring.callerId)?.name ?? props.ring.callerId;
  const label = t(props.ring.intent === "audio" ? "incomingVoice" : "incomingVideo", { name });
  return (
    <div className="call-ring" role="alertdialog" aria-label={label}>
      <p>{label}</p>
      {props.muted && (
        <p className="call-ring-muted" role="status">
          {t("ringMuted")}
        </p>
      )}
      <div className="call-ring-actions">
        <button type="button" className="primary" onClick={props.onAccept}>
          {t("accept")}
        </button>
        <button type="button" className="danger" onClick={props.onDecline}>
          {t("decline")}
        </button>
      </div>
    </div>
  );
}

interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

/** The element's position on screen, kept current through layout changes and scrolling. */
function useTrackedRect(element: HTMLElement | null): Rect | null {
  const [rect, setRect] = useState<Rect | null>(null);
  useLayoutEffect(() => {
    if (!element) {
      setRect(null);
      return;
    }
    const measure = () => {
      const r = element.getBoundingClientRect();
      setRect((prev) =>
        prev &&
        prev.top === r.top &&
        prev.left === r.left &&
        prev.width === r.width &&
        prev.height === r.height
          ? prev
          : { top: r.top, left: r.left, width: r.width, height: r.height },
      );
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    window.addEventListener("resize", measure);
    window.addEventListener("scroll", measure, true);
    // Layout can move the placeholder without resizing it (panels opening): check regularly.
    const timer = setInterval(measure, 300);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", measure);
      window.removeEventListener("scroll", measure, true);
      clearInterval(timer);
    };
  }, [element]);
  return rect;
}
