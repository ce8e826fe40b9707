import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../chat/Dialog.tsx";
import type { AppError } from "../core/app-error.ts";
import { useObservable } from "../core/use-observable.ts";
import { ErrorLine } from "./ErrorLine.tsx";
import type { RecoveryKeyViewModel } from "./recovery-key-view-model.ts";

/** The recovery key, shown once: copy or download it, then type two of its groups back. */
export function RecoveryKeyDialog(props: { vm: RecoveryKeyViewModel; userId: string }) {
  const { t } = useTranslation();
  const { vm } = props;
  const screen = useObservable(vm.shown);
  const error = useObservable(vm.error);
  if (!screen) return null;
  return (
    <Dialog
      title={
        screen.step === "show" ? t("encryption.recoveryKeyTitle") : t("encryption.confirmTitle")
      }
    >
      {screen.step === "show" ? (
        <ShowKey vm={vm} recoveryKey={screen.recoveryKey} userId={props.userId} />
      ) : (
        <ConfirmKey vm={vm} challenge={screen.challenge} error={error} />
      )}
    </Dialog>
  );
}

function ShowKey(props: { vm: RecoveryKeyViewModel; recoveryKey: string; userId: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const download = () => {
    const text = t("encryption.downloadText", { user: props.userId, key: props.recoveryKey });
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = t("encryption.downloadName");
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div className="stack">
      <p>{t("encryption.recoveryKeyIntro")}</p>
      <output className="recovery-key" aria-label={t("encryption.recoveryKeyLabel")}>
        {props.recoveryKey}
      </output>
      <div className="row">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard.writeText(props.recoveryKey).then(() => setCopied(true))
          }
        >
          {copied ? t("encryption.copied") : t("encryption.copy")}
        </button>
        <button type="button" onClick={download}>
          {t("encryption.download")}
        </button>
      </div>
      <button type="button" className="primary" onClick={() => props.vm.saved()}>
        {t("encryption.saved")}
      </button>
    </div>
  );
}

function ConfirmKey(props: {
  vm: RecoveryKeyViewModel;
  challenge: number[];
  error: AppError | null;
}) {
  const { t } = useTranslation();
  const [answers, setAnswers] = useState(() => props.challenge.map(() => ""));
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        props.vm.confirm(answers);
      }}
    >
      <p>{t("encryption.confirmIntro")}</p>
      {props.challenge.map((position, i) => (
        <div key={position} className="stack">
          <label htmlFor={`recovery-group-${position}`}>
            {t("encryption.group", { n: position + 1 })}
          </label>
          <input
            id={`recovery-group-${position}`}
            className="recovery-group"
            autoComplete="off"
            spellCheck={false}
            maxLength={8}
            autoFocus={i === 0}
            value={answers[i]}
            onChange={(e) => setAnswers((a) => a.map((v, j) => (j === i ? e.target.value : v)))}
            required
          />
        </div>
      ))}
      <ErrorLine error={props.error} />
      <button type="submit" className="primary">
        {t("encryption.confirm")}
      </button>
      <button type="button" onClick={() => props.vm.showAgain()}>
        {t("encryption.showAgain")}
      </button>
    </form>
  );
}
