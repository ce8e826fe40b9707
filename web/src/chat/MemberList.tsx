import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import { TrustMark } from "../encryption/TrustMark.tsx";
import type { UserTrustViewModel } from "../encryption/user-trust-view-model.ts";
import type { RoomViewModel } from "../rooms/room-view-model.ts";

export function MemberList(props: {
  vm: RoomViewModel;
  trust: UserTrustViewModel;
  onClose: () => void;
}) {
  const { vm, trust, onClose } = props;
  const { t } = useTranslation();
  const members = useObservable(vm.members);
  return (
    <aside className="members" aria-labelledby="members-title">
      <header>
        <h3 id="members-title">{t("room.membersCount", { count: members.length })}</h3>
        <button type="button" onClick={onClose} aria-label={t("common.close")}>
          ✕
        </button>
      </header>
      <ul>
        {members.map((m) => (
          <li key={m.userId} data-user-id={m.userId}>
            <span className="member-name">{m.name}</span>
            {m.agency && <span className="agency">{m.agency}</span>}
            <TrustMark trust={trust} userId={m.userId} />
            {m.powerLevel >= 100 && <span className="role">{t("room.admin")}</span>}
            {m.membership === "invite" && <span className="role muted">{t("room.invited")}</span>}
            {m.canKick && (
              <button
                type="button"
                aria-label={t("room.kick", { name: m.name })}
                onClick={() => {
                  if (window.confirm(t("room.kickConfirm", { name: m.name })))
                    void vm.kick(m.userId);
                }}
              >
                {t("room.kickShort")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
