import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../chat/Dialog.tsx";
import type { AppError } from "../core/app-error.ts";
import type { EncryptionViewModel } from "./encryption-view-model.ts";
import { ErrorLine } from "./ErrorLine.tsx";

/** Lost recovery key: a new identity and backup, after a plain warning and the password. */
export function ResetEncryptionDialog(props: { vm: EncryptionViewModel; error: AppError | null }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={t("encryption.resetTitle")} onClose={() => props.vm.closeScreen()}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          void props.vm.resetEncryption(password).finally(() => setBusy(false));
        }}
      >
        <p className="warning">{t("encryption.resetWarning")}</p>
        <label htmlFor="reset-password">{t("encryption.resetPassword")}</label>
        <input
          id="reset-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <ErrorLine error={props.error} />
        <button type="submit" className="danger" disabled={busy}>
          {t("encryption.resetConfirm")}
        </button>
        <button type="button" onClick={() => props.vm.closeScreen()}>
          {t("common.cancel")}
        </button>
      </form>
    </Dialog>
  );
}
