import { useTranslation } from "react-i18next";
import { Dialog } from "../chat/Dialog.tsx";
import { useObservable } from "../core/use-observable.ts";
import type { LogoutCheckViewModel } from "./logout-check-view-model.ts";

/** Shown only when logging out now would lose message keys. */
export function LogoutDialog({ vm }: { vm: LogoutCheckViewModel }) {
  const { t } = useTranslation();
  const warning = useObservable(vm.warning);
  if (!warning) return null;
  return (
    <Dialog title={t("encryption.logoutTitle")} onClose={() => vm.stay()}>
      <div className="stack">
        <p className="warning">
          {warning.risk.kind === "pending"
            ? t("encryption.logoutPending", { count: warning.risk.keys })
            : t("encryption.logoutNoBackup")}
        </p>
        {warning.waiting ? (
          <p role="status">{t("encryption.logoutWaiting")}</p>
        ) : (
          warning.risk.kind === "pending" && (
            <button type="button" className="primary" onClick={() => void vm.waitForBackup()}>
              {t("encryption.logoutWait")}
            </button>
          )
        )}
        <button type="button" className="danger" onClick={() => vm.logOutAnyway()}>
          {t("encryption.logoutAnyway")}
        </button>
        <button type="button" onClick={() => vm.stay()}>
          {t("common.cancel")}
        </button>
      </div>
    </Dialog>
  );
}
