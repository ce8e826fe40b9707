import { useTranslation } from "react-i18next";
import { Dialog } from "../chat/Dialog.tsx";
import type { EncryptionScreen, EncryptionViewModel } from "./encryption-view-model.ts";

type Screen = Extract<EncryptionScreen, { kind: "logout" }>;

/** Shown only when logging out now would lose message keys. */
export function LogoutDialog(props: { vm: EncryptionViewModel; screen: Screen }) {
  const { t } = useTranslation();
  const { vm, screen } = props;
  return (
    <Dialog title={t("encryption.logoutTitle")} onClose={() => vm.closeScreen()}>
      <div className="stack">
        <p className="warning">
          {screen.risk.kind === "pending"
            ? t("encryption.logoutPending", { count: screen.risk.keys })
            : t("encryption.logoutNoBackup")}
        </p>
        {screen.waiting ? (
          <p role="status">{t("encryption.logoutWaiting")}</p>
        ) : (
          screen.risk.kind === "pending" && (
            <button
              type="button"
              className="primary"
              onClick={() => void vm.waitForBackupThenLogout()}
            >
              {t("encryption.logoutWait")}
            </button>
          )
        )}
        <button type="button" className="danger" onClick={() => vm.logoutAnyway()}>
          {t("encryption.logoutAnyway")}
        </button>
        <button type="button" onClick={() => vm.closeScreen()}>
          {t("common.cancel")}
        </button>
      </div>
    </Dialog>
  );
}
