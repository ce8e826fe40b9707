import { EventStatus, type MatrixEvent, type Room } from "matrix-js-sdk";
import type { RawEvent, SendStatus } from "./timeline-model.ts";
import { utdReasonOf } from "./utd-reason.ts";

/** The boundary between the SDK's MatrixEvent and the pure timeline model. */
export function sendStatus(e: MatrixEvent): SendStatus {
  if (e.status === null || e.status === EventStatus.SENT) return "sent";
  if (e.status === EventStatus.NOT_SENT) return "failed";
  return "sending";
}

export function toRawEvent(e: MatrixEvent, room: Room): RawEvent {
  const sender = e.getSender() ?? "";
  const undecryptable = e.isDecryptionFailure();
  return {
    id: e.getId() ?? e.getTxnId() ?? "",
    type: e.getType(),
    sender,
    senderName: room.getMember(sender)?.name ?? sender,
    ts: e.getTs(),
    content: e.getOriginalContent() as Record<string, unknown>,
    status: sendStatus(e),
    redacted: e.isRedacted(),
    undecryptable,
    ...(undecryptable ? { utdReason: utdReasonOf(e.decryptionFailureReason) } : {}),
    decrypting: e.isBeingDecrypted() || (e.isEncrypted() && !e.getClearContent() && !undecryptable),
    ...(e.getStateKey() !== undefined ? { stateKey: e.getStateKey()! } : {}),
  };
}
