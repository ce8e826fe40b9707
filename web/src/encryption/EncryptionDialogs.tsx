import { useObservable } from "../core/use-observable.ts";
import type { EncryptionViewModel } from "./encryption-view-model.ts";
import { LogoutDialog } from "./LogoutDialog.tsx";
import { RecoveryKeyDialog } from "./RecoveryKeyDialog.tsx";
import { ResetEncryptionDialog } from "./ResetEncryptionDialog.tsx";
import { UnlockHistoryDialog } from "./UnlockHistoryDialog.tsx";

/** The one encryption dialog the view model asks for, if any. */
export function EncryptionDialogs(props: {
  vm: EncryptionViewModel;
  userId: string;
  canVerifyWithDevice: boolean;
}) {
  const screen = useObservable(props.vm.screen);
  const error = useObservable(props.vm.error);
  switch (screen.kind) {
    case "none":
      return null;
    case "recovery-key":
      return (
        <RecoveryKeyDialog vm={props.vm} screen={screen} error={error} userId={props.userId} />
      );
    case "unlock":
      return (
        <UnlockHistoryDialog
          vm={props.vm}
          screen={screen}
          error={error}
          canVerifyWithDevice={props.canVerifyWithDevice}
        />
      );
    case "reset":
      return <ResetEncryptionDialog vm={props.vm} error={error} />;
    case "logout":
      return <LogoutDialog vm={props.vm} screen={screen} />;
  }
}
