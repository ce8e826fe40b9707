import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import type { RoomViewModel } from "../rooms/room-view-model.ts";
import { identityChanges, type UserTrustViewModel } from "./user-trust-view-model.ts";
import type { VerificationViewModel } from "./verification-view-model.ts";
import "./verification.css";

/**
 * Above the composer: a warning for each member of the room whose identity changed.
 *
 * Sending is blocked (the composer is not shown) while a person I had *verified* changed
 * identity, as Element does: I chose to trust that identity, so a message must not silently go
 * to a new one that may be an impostor's; one click (accept, or verify again) lifts it. A change
 * of someone I never verified is only shown, with the same « accept » button: it is the common
 * case of a colleague who reset their account, and blocking it would teach people to click
 * through without reading.
 */
export function IdentityChangeGate(props: {
  room: RoomViewModel;
  isDirect: boolean;
  trust: UserTrustViewModel;
  verification: VerificationViewModel;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { room, trust, verification } = props;
  const members = useObservable(room.members);
  const marks = useObservable(trust.marks);
  const changes = identityChanges(
    marks,
    members.map((m) => m.userId),
  );
  const nameOf = (userId: string) => members.find((m) => m.userId === userId)?.name ?? userId;
  const blocked = changes.some((c) => c.wasVerified);
  return (
    <>
      {changes.map(({ userId, wasVerified }) => {
        const name = nameOf(userId);
        return (
          <div
            key={userId}
            className="identity-warning"
            role="alert"
            data-user-id={userId}
            data-blocking={wasVerified}
          >
            <p>
              <strong>{t("verification.identityChanged", { name })}</strong>{" "}
              {wasVerified
                ? t("verification.identityChangedVerified")
                : t("verification.identityChangedUnverified")}
            </p>
            <div className="actions">
              <button
                type="button"
                aria-label={t("verification.acceptIdentityOf", { name })}
                onClick={() => void trust.acceptNewIdentity(userId)}
              >
                {t("verification.acceptIdentity")}
              </button>
              {props.isDirect && (
                <button
                  type="button"
                  aria-label={t("verification.verifyAgainPerson", { name })}
                  onClick={() => void verification.requestUser(userId, room.roomId)}
                >
                  {t("verification.verifyAgain")}
                </button>
              )}
            </div>
          </div>
        );
      })}
      {!blocked && props.children}
    </>
  );
}
