import { useObservable } from "../core/use-observable.ts";
import type { EncryptionViewModel } from "./encryption-view-model.ts";
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
  const newKey = useObservable(props.vm.recoveryKey.shown);
  // A new recovery key comes first: it must be saved before anything else.
  if (newKey) return <RecoveryKeyDialog vm={props.vm.recoveryKey} userId={props.userId} />;
  switch (screen.kind) {
    case "none":
      return null;
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
  }
}
