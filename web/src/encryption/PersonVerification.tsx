import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import type { RoomViewModel } from "../rooms/room-view-model.ts";
import { TrustMark } from "./TrustMark.tsx";
import type { UserTrustViewModel } from "./user-trust-view-model.ts";
import type { VerificationViewModel } from "./verification-view-model.ts";

/** In a DM's header: the other person's mark, and « Vérifier » while they are not verified. */
export function PersonVerification(props: {
  room: RoomViewModel;
  trust: UserTrustViewModel;
  verification: VerificationViewModel;
}) {
  const { t } = useTranslation();
  const { room, trust, verification } = props;
  const members = useObservable(room.members);
  const marks = useObservable(trust.marks);
  const other = members.find((m) => m.userId !== room.myUserId);
  if (!other) return null;
  return (
    <span className="person-verification">
      <TrustMark trust={trust} userId={other.userId} />
      {marks.get(other.userId) !== "verified" && (
        <button
          type="button"
          aria-label={t("verification.verifyPerson", { name: other.name })}
          onClick={() => void verification.requestUser(other.userId, room.roomId)}
        >
          {t("verification.verify")}
        </button>
      )}
    </span>
  );
}
