import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import { sasEmojiName } from "./sas-emoji.ts";
import type { Verification, VerificationViewModel } from "./verification-view-model.ts";
import "./verification.css";

/** The verification under way, if any: mounted once for the whole chat screen. */
export function VerificationDialog({ vm }: { vm: VerificationViewModel }) {
  const current = useObservable(vm.current);
  return current ? <VerificationModal vm={vm} current={current} /> : null;
}

function VerificationModal(props: {
  vm: VerificationViewModel;
  current: NonNullable<Verification>;
}) {
  const { t, i18n } = useTranslation();
  const { vm, current } = props;
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const { peer } = current;
  const who = { name: peer.name };
  const finished = current.phase === "done" || current.phase === "cancelled";
  return (
    <dialog
      ref={ref}
      className="dialog verification"
      aria-labelledby="verification-title"
      data-phase={current.phase}
      onCancel={(e) => {
        e.preventDefault();
        vm.cancel();
      }}
    >
      <header>
        <h2 id="verification-title">{t("verification.title")}</h2>
      </header>
      {current.phase === "incoming" && (
        <>
          <p>{peer.self ? t("verification.incomingSelf") : t("verification.incomingUser", who)}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => vm.accept()}>
              {t("verification.accept")}
            </button>
            <button type="button" onClick={() => vm.cancel()}>
              {t("verification.decline")}
            </button>
          </div>
        </>
      )}
      {current.phase === "waiting" && (
        <>
          <p role="status">
            {peer.self ? t("verification.waitingSelf") : t("verification.waitingUser", who)}
          </p>
          <div className="actions">
            <button type="button" onClick={() => vm.cancel()}>
              {t("common.cancel")}
            </button>
          </div>
        </>
      )}
      {current.phase === "sas" && (
        <>
          <p>{peer.self ? t("verification.compareSelf") : t("verification.compareUser", who)}</p>
          <ol className="sas-emoji" aria-label={t("verification.emojiList")}>
            {current.emoji.map(([emoji, english], i) => (
              <li key={i}>
                <span className="sas-symbol" aria-hidden="true">
                  {emoji}
                </span>
                <span className="sas-name">{sasEmojiName(emoji, english, i18n.language)}</span>
              </li>
            ))}
          </ol>
          {current.confirmed ? (
            <p role="status">{t("verification.waitingConfirmation")}</p>
          ) : (
            <div className="actions">
              <button type="button" className="primary" onClick={() => vm.confirmMatch()}>
                {t("verification.match")}
              </button>
              <button type="button" onClick={() => vm.mismatch()}>
                {t("verification.noMatch")}
              </button>
              <button type="button" onClick={() => vm.cancel()}>
                {t("common.cancel")}
              </button>
            </div>
          )}
        </>
      )}
      {current.phase === "done" && (
        <p role="status">
          {peer.self ? t("verification.doneSelf") : t("verification.doneUser", who)}
        </p>
      )}
      {current.phase === "cancelled" && (
        <p role="alert" data-reason={current.reason}>
          {t(`verification.cancelled.${current.reason}`)}
        </p>
      )}
      {finished && (
        <div className="actions">
          <button type="button" className="primary" onClick={() => vm.cancel()}>
            {t("common.close")}
          </button>
        </div>
      )}
    </dialog>
  );
}
