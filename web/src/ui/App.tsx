import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import type { AppViewModel } from "../core/app-view-model.ts";
import { useObservable } from "../core/use-observable.ts";
import { LoginScreen } from "./LoginScreen.tsx";

// matrix-js-sdk and the chat UI are fetched only once someone is logged in.
const ChatRoot = lazy(() => import("../chat/ChatRoot.tsx"));

export function App({ vm }: { vm: AppViewModel }) {
  const phase = useObservable(vm.phase);
  const { t } = useTranslation();
  if (phase.phase === "login") return <LoginScreen vm={vm} />;
  return (
    <Suspense
      fallback={
        <p className="loading" role="status">
          {t("app.loading")}
        </p>
      }
    >
      <ChatRoot
        key={phase.session.deviceId}
        stored={phase.session}
        config={vm.config}
        onLoggedOut={(clear) => void vm.loggedOut(clear)}
      />
    </Suspense>
  );
}
