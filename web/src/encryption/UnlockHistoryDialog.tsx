import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../chat/Dialog.tsx";
import type { AppError } from "../core/app-error.ts";
import type { EncryptionScreen, EncryptionViewModel } from "./encryption-view-model.ts";
import { ErrorLine } from "./ErrorLine.tsx";

type Screen = Extract<EncryptionScreen, { kind: "unlock" }>;

/**
 * A new device of an account with history: one clear choice — another device or the recovery
 * key — then the restore, with its progress.
 */
export function UnlockHistoryDialog(props: {
  vm: EncryptionViewModel;
  screen: Screen;
  error: AppError | null;
  canVerifyWithDevice: boolean;
}) {
  const { t } = useTranslation();
  const { vm, screen } = props;
  const restoring = screen.step === "restoring";
  return (
    <Dialog
      title={t("encryption.unlockTitle")}
      onClose={restoring ? undefined : () => vm.closeScreen()}
    >
      {screen.step === "choose" && (
        <div className="stack">
          <p>{t("encryption.unlockIntro")}</p>
          <ErrorLine error={props.error} />
          {props.canVerifyWithDevice && (
            <button
              type="button"
              className="primary"
              onClick={() => void vm.unlockWithOtherDevice()}
            >
              {t("encryption.withOtherDevice")}
            </button>
          )}
          {props.canVerifyWithDevice && (
            <p className="muted">{t("encryption.withOtherDeviceHint")}</p>
          )}
          <button type="button" onClick={() => vm.chooseRecoveryKey()}>
            {t("encryption.withRecoveryKey")}
          </button>
          <button type="button" onClick={() => vm.skipUnlock()}>
            {t("encryption.later")}
          </button>
          <button type="button" className="link" onClick={() => vm.openReset()}>
            {t("encryption.lostKey")}
          </button>
        </div>
      )}
      {screen.step === "recovery-key" && <EnterKey vm={vm} error={props.error} />}
      {screen.step === "other-device" && (
        <div className="stack">
          <p role="status">{t("encryption.waitingOtherDevice")}</p>
          <ErrorLine error={props.error} />
        </div>
      )}
      {restoring && (
        <div className="stack">
          <p role="status">
            {screen.progress
              ? t("encryption.restoringProgress", screen.progress)
              : t("encryption.restoring")}
          </p>
          <progress
            aria-label={t("encryption.restoring")}
            max={screen.progress?.total || undefined}
            value={screen.progress?.done}
          />
        </div>
      )}
    </Dialog>
  );
}

function EnterKey(props: { vm: EncryptionViewModel; error: AppError | null }) {
  const { t } = useTranslation();
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void props.vm.unlockWithRecoveryKey(key).finally(() => setBusy(false));
      }}
    >
      <label htmlFor="recovery-key-input">{t("encryption.enterKey")}</label>
      <input
        id="recovery-key-input"
        className="recovery-key-input"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        value={key}
        onChange={(e) => setKey(e.target.value)}
        required
      />
      <ErrorLine error={props.error} />
      <button type="submit" className="primary" disabled={busy}>
        {t("encryption.unlock")}
      </button>
      <button type="button" onClick={() => props.vm.openUnlock()}>
        {t("encryption.back")}
      </button>
    </form>
  );
}
