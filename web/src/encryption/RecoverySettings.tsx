import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import type { EncryptionViewModel } from "./encryption-view-model.ts";

/** The recovery part of « Sécurité »: backup status, change or reset the recovery key. */
export function RecoverySettings({ vm }: { vm: EncryptionViewModel }) {
  const { t } = useTranslation();
  const status = useObservable(vm.status);
  const backup = useObservable(vm.backup.state);
  return (
    <section className="stack" aria-labelledby="recovery-settings-title">
      <h3 id="recovery-settings-title">{t("encryption.settingsTitle")}</h3>
      <p data-backup={backup.version ? "on" : "off"}>
        {backup.version
          ? t("encryption.backupOn", { version: backup.version })
          : t("encryption.backupOff")}
      </p>
      {status === "ready" && (
        <button type="button" onClick={() => void vm.changeRecoveryKey()}>
          {t("encryption.changeKey")}
        </button>
      )}
      {status === "locked" && (
        <button type="button" onClick={() => vm.openUnlock()}>
          {t("encryption.lockedAction")}
        </button>
      )}
      <button type="button" className="danger" onClick={() => vm.openReset()}>
        {t("encryption.resetTitle")}
      </button>
    </section>
  );
}
