import { ClientEvent, EventStatus, SyncState, type MatrixClient } from "matrix-js-sdk";

/**
 * When the homeserver answers again, messages that failed while it was unreachable are sent
 * again, each with its original transaction id, so the homeserver stores it once even if an
 * earlier attempt had in fact arrived. Returns the function that stops watching.
 */
export function resendOnReconnect(client: MatrixClient): () => void {
  let wasOffline = false;
  const resendAll = () => {
    for (const room of client.getRooms()) {
      for (const ev of room.getPendingEvents()) {
        if (ev.status === EventStatus.NOT_SENT)
          void client.resendEvent(ev, room).catch(() => undefined);
      }
    }
  };
  const onSync = (state: SyncState) => {
    if (state === SyncState.Error || state === SyncState.Reconnecting) wasOffline = true;
    else if (
      wasOffline &&
      (state === SyncState.Syncing || state === SyncState.Prepared || state === SyncState.Catchup)
    ) {
      wasOffline = false;
      resendAll();
    }
  };
  client.on(ClientEvent.Sync, onSync);
  // A failed send while sync still looked healthy (a short outage): try again periodically.
  const timer = setInterval(() => {
    if (!wasOffline) resendAll();
  }, 15_000);
  return () => {
    client.off(ClientEvent.Sync, onSync);
    clearInterval(timer);
  };
}
