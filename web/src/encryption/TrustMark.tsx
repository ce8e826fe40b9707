import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import type { UserTrustViewModel } from "./user-trust-view-model.ts";
import "./verification.css";

/** « Vérifié » next to a person I verified; « Identité modifiée » if that identity changed. */
export function TrustMark(props: { trust: UserTrustViewModel; userId: string }) {
  const { t } = useTranslation();
  const mark = useObservable(props.trust.marks).get(props.userId);
  if (mark === "verified")
    return (
      <span className="trust-mark verified" data-trust={mark}>
        <span aria-hidden="true">🛡 </span>
        <span>{t("verification.verified")}</span>
      </span>
    );
  if (mark === "changed-verified" || mark === "changed")
    return (
      <span className="trust-mark changed" data-trust={mark}>
        <span aria-hidden="true">⚠ </span>
        <span>{t("verification.changed")}</span>
      </span>
    );
  return null;
}
