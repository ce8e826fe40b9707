import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { CallDock } from "../calls/CallDock.tsx";
import type { RuntimeConfig } from "../core/runtime-config.ts";
import { useObservable } from "../core/use-observable.ts";
import type { StoredSession } from "../login/stored-session.ts";
import { ChatViewModel } from "../rooms/chat-view-model.ts";
import { SessionContext } from "../session/current-session.ts";
import { MatrixSession } from "../session/matrix-session.ts";
import { ChatScreen } from "./ChatScreen.tsx";

/** Starts the Matrix session (crypto wasm, sync) and shows the chat once the first sync is in. */
export default function ChatRoot(props: {
  stored: StoredSession;
  config: RuntimeConfig;
  onLoggedOut: (clearLocalData: boolean) => void;
}) {
  const { t } = useTranslation();
  const [vm, setVm] = useState<ChatViewModel | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const { stored, config, onLoggedOut } = props;

  useEffect(() => {
    let cancelled = false;
    let created: ChatViewModel | null = null;
    MatrixSession.start(stored).then(
      (session) => {
        if (cancelled) return session.stop();
        created = new ChatViewModel(session, config);
        setVm(created);
      },
      (e: unknown) => !cancelled && setFailed(String(e)),
    );
    return () => {
      cancelled = true;
      created?.dispose();
      created?.session.stop();
    };
  }, [stored, config]);

  if (failed) {
    return (
      <main className="loading">
        <p role="alert">{t("app.startFailed")}</p>
        <button type="button" onClick={() => onLoggedOut(true)}>
          {t("app.backToLogin")}
        </button>
      </main>
    );
  }
  if (!vm)
    return (
      <p className="loading" role="status">
        {t("app.syncing")}
      </p>
    );
  return (
    <SessionContext.Provider value={vm.session}>
      <LoggedOutWatcher vm={vm} onLoggedOut={onLoggedOut} />
      <ChatScreen
        vm={vm}
        onLogout={() => void vm.logout().then((done) => done && onLoggedOut(false))}
      />
      <CallDock onOpenRoom={(roomId) => vm.select(roomId)} />
    </SessionContext.Provider>
  );
}

function LoggedOutWatcher(props: { vm: ChatViewModel; onLoggedOut: (clear: boolean) => void }) {
  const loggedOut = useObservable(props.vm.session.loggedOut);
  const { onLoggedOut } = props;
  useEffect(() => {
    if (loggedOut) onLoggedOut(true);
  }, [loggedOut, onLoggedOut]);
  return null;
}
