import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Room } from "matrix-js-sdk";
import type {
  CapabilityDecision,
  CapabilityRequest,
} from "../../../widgets/src/policy/capability-policy.ts";
import { MatrixClientAdapter } from "../../../widgets/src/host/matrix-client-adapter.ts";
import { RoomWidgetList } from "../../../widgets/src/host/room-widget-list.ts";
import type { RoomWidget } from "../../../widgets/src/host/room-widgets.ts";
import {
  localStorageApprovals,
  ThirdPartyWidgetHost,
} from "../../../widgets/src/host/third-party-widget-host.ts";
import {
  WidgetOriginError,
  widgetOriginAllowed,
} from "../../../widgets/src/policy/widget-origins.ts";
import { useObservable } from "../core/use-observable.ts";
import { useSession } from "../session/current-session.ts";
import { CALLS_NS } from "./calls-i18n.ts";
import { useWidgetAllowList } from "./widget-allow-list.ts";

/**
 * Widgets people added to the room. Only widgets from the origins the deployment allows
 * (runtime config `widgetOrigins`) can be opened; others are listed as not allowed and never
 * get an iframe. A widget opens only when the user asks, gets no device access, and holds no
 * capability until the user approves what it asks for.
 */
export function RoomWidgets({ room }: { room: Room }) {
  const list = useMemo(() => new RoomWidgetList(room), [room]);
  useEffect(() => () => list.dispose(), [list]);
  const widgets = useObservable(list.widgets);
  const [open, setOpen] = useState<string | null>(null);
  const { t } = useTranslation(CALLS_NS);
  const allowList = useWidgetAllowList();
  if (widgets.length === 0 || !allowList) return null;
  const allowed = (w: RoomWidget) => widgetOriginAllowed(w.templateUrl, allowList);
  const current = widgets.find((w) => w.id === open && allowed(w));
  return (
    <section className="room-widgets" aria-label={t("widgets")}>
      {widgets.map((w) =>
        allowed(w) ? (
          <button
            key={w.id}
            type="button"
            aria-pressed={open === w.id}
            onClick={() => setOpen(open === w.id ? null : w.id)}
          >
            {t(open === w.id ? "closeWidget" : "openWidget", { name: w.name })}
          </button>
        ) : (
          <span key={w.id} className="widget-refused" data-widget-id={w.id}>
            {t("widgetNotAllowed", { name: w.name, origin: originOf(w.templateUrl) })}
          </span>
        ),
      )}
      {current && (
        <WidgetFrame key={current.id} room={room} widget={current} allowList={allowList} />
      )}
    </section>
  );
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

interface PendingConsent {
  request: CapabilityRequest;
  answer: (d: CapabilityDecision) => void;
}

function WidgetFrame(props: { room: Room; widget: RoomWidget; allowList: string[] }) {
  const { room, widget, allowList } = props;
  const session = useSession();
  const container = useRef<HTMLDivElement>(null);
  const [consent, setConsent] = useState<PendingConsent | null>(null);
  const [refused, setRefused] = useState(false);
  const { t, i18n } = useTranslation(CALLS_NS);

  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    const adapter = new MatrixClientAdapter(session.client);
    let host: ThirdPartyWidgetHost;
    try {
      host = new ThirdPartyWidgetHost({
        widget,
        urlContext: {
          roomId: room.roomId,
          userId: session.userId,
          deviceId: session.client.getDeviceId() ?? undefined,
          baseUrl: session.client.baseUrl,
          lang: i18n.language,
          theme: "light",
          parentUrl: window.location.href,
        },
        client: adapter,
        feed: adapter,
        container: el,
        allowedOrigins: allowList,
        store: localStorageApprovals(window.localStorage),
        approver: (request) =>
          new Promise<CapabilityDecision>((resolve) => setConsent({ request, answer: resolve })),
      });
    } catch (e) {
      // Its filled-in URL left the allowed origins: no iframe was made.
      if (e instanceof WidgetOriginError) {
        setRefused(true);
        return;
      }
      throw e;
    }
    setRefused(false);
    return () => {
      host.dispose();
      setConsent(null);
    };
  }, [session, room, widget, allowList, i18n.language]);

  return (
    <div className="room-widget-frame">
      {refused && (
        <p className="widget-refused">
          {t("widgetNotAllowed", { name: widget.name, origin: originOf(widget.templateUrl) })}
        </p>
      )}
      {consent && (
        <ConsentForm
          pending={consent}
          onDone={(d) => {
            consent.answer(d);
            setConsent(null);
          }}
        />
      )}
      <div ref={container} />
    </div>
  );
}

function ConsentForm(props: { pending: PendingConsent; onDone: (d: CapabilityDecision) => void }) {
  const { request } = props.pending;
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [remember, setRemember] = useState(false);
  const { t } = useTranslation(CALLS_NS);
  return (
    <form
      className="widget-consent"
      role="dialog"
      aria-label={t("widgetAsks", { name: request.widgetName, origin: request.widgetOrigin })}
      onSubmit={(e) => {
        e.preventDefault();
        props.onDone({ approved: [...chosen], remember });
      }}
    >
      <p>{t("widgetAsks", { name: request.widgetName, origin: request.widgetOrigin })}</p>
      {request.capabilities.map((c) => (
        <label key={c} style={{ display: "block" }}>
          <input
            type="checkbox"
            checked={chosen.has(c)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(c);
              else next.delete(c);
              setChosen(next);
            }}
          />{" "}
          <code>{c}</code>
        </label>
      ))}
      <label>
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />{" "}
        {t("remember")}
      </label>
      <div className="call-ring-actions">
        <button type="submit" className="primary">
          {t("approve")}
        </button>
        <button type="button" onClick={() => props.onDone({ approved: [], remember: false })}>
          {t("refuseAll")}
        </button>
      </div>
    </form>
  );
}
