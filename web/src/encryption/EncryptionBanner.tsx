import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import type { EncryptionViewModel } from "./encryption-view-model.ts";

/** Above the room list: this device's history is locked, or encryption set-up failed. */
export function EncryptionBanner({ vm }: { vm: EncryptionViewModel }) {
  const { t } = useTranslation();
  const status = useObservable(vm.status);
  if (status === "locked")
    return (
      <p className="encryption-banner" role="status" data-encryption="locked">
        {t("encryption.lockedBanner")}{" "}
        <button type="button" onClick={() => vm.openUnlock()}>
          {t("encryption.lockedAction")}
        </button>
      </p>
    );
  if (status === "failed")
    return (
      <p className="encryption-banner" role="status" data-encryption="failed">
        {t("encryption.setupFailed")}
      </p>
    );
  return null;
}
