import { useTranslation } from "react-i18next";
import { splitAgency } from "../core/agency.ts";
import { useObservable } from "../core/use-observable.ts";
import type { ChatViewModel } from "../rooms/chat-view-model.ts";
import { EncryptionBanner } from "../encryption/EncryptionBanner.tsx";
import { EncryptionDialogs } from "../encryption/EncryptionDialogs.tsx";
import { LogoutDialog } from "../encryption/LogoutDialog.tsx";
import { RecoverySettings } from "../encryption/RecoverySettings.tsx";
import { SecuritySettings } from "../encryption/SecuritySettings.tsx";
import { VerificationDialog } from "../encryption/VerificationDialog.tsx";
import { LanguageSwitch } from "../ui/LanguageSwitch.tsx";
import { CreateRoomDialog } from "./CreateRoomDialog.tsx";
import { PeopleDialog } from "./PeopleDialog.tsx";
import { RoomListPanel } from "./RoomListPanel.tsx";
import { RoomView } from "./RoomView.tsx";

export function ChatScreen({ vm, onLogout }: { vm: ChatViewModel; onLogout: () => void }) {
  const { t } = useTranslation();
  const room = useObservable(vm.openRoom);
  const dialog = useObservable(vm.dialog);
  const devices = useObservable(vm.devices);
  const notice = useObservable(vm.notice);
  const connection = useObservable(vm.session.connection);
  const myName = useObservable(vm.myName);
  const encryption = useObservable(vm.encryption.status);
  const loggingOut = useObservable(vm.logoutCheck.checking);
  const { name, agency } = splitAgency(myName, vm.session.userId);
  return (
    <div className="chat" data-encryption={encryption}>
      <aside className="sidebar" aria-label={t("rooms.navigation")}>
        <header className="me">
          <div>
            <strong>{name}</strong> {agency && <span className="agency">{agency}</span>}
          </div>
          <button type="button" onClick={() => vm.openSecurity()}>
            {t("securitySettings.open")}
          </button>
          <button type="button" onClick={onLogout} disabled={loggingOut}>
            {loggingOut ? t("app.loggingOut") : t("app.logout")}
          </button>
        </header>
        <div className="actions">
          <button type="button" onClick={() => vm.dialog.set("create-room")}>
            {t("rooms.create")}
          </button>
          <button type="button" onClick={() => vm.dialog.set("start-dm")}>
            {t("rooms.startDm")}
          </button>
        </div>
        <EncryptionBanner vm={vm.encryption} />
        <RoomListPanel vm={vm} selected={room?.roomId ?? null} />
        <LanguageSwitch />
      </aside>
      <main className="room-pane">
        {connection === "offline" && (
          <p className="offline" role="status">
            {t("app.offline")}
          </p>
        )}
        {notice && (
          <p className="error" role="alert" data-code={notice.code}>
            {t(`errors.${notice.code}`, notice.params)}{" "}
            <button type="button" onClick={() => vm.notice.set(null)}>
              {t("common.close")}
            </button>
          </p>
        )}
        {room ? (
          <RoomView key={room.roomId} vm={room} chat={vm} />
        ) : (
          <p className="empty">{t("rooms.noneSelected")}</p>
        )}
      </main>
      {dialog === "create-room" && <CreateRoomDialog vm={vm} />}
      {dialog === "security" && devices && (
        <SecuritySettings
          devices={devices}
          onClose={() => vm.closeSecurity()}
          recovery={<RecoverySettings vm={vm.encryption} />}
        />
      )}
      <LogoutDialog vm={vm.logoutCheck} />
      <EncryptionDialogs vm={vm.encryption} userId={vm.session.userId} canVerifyWithDevice />
      {dialog === "start-dm" && (
        <PeopleDialog
          chat={vm}
          title={t("people.startDmTitle")}
          actionLabel={t("people.startDm")}
          onPick={(userId) => vm.startDm(userId)}
        />
      )}
      {dialog === "invite" && room && (
        <PeopleDialog
          chat={vm}
          title={t("people.inviteTitle")}
          actionLabel={t("people.invite")}
          onPick={async (userId, displayName) => {
            await room.invite(userId, displayName);
            vm.dialog.set(null);
          }}
        />
      )}
      <VerificationDialog vm={vm.verification} />
    </div>
  );
}
