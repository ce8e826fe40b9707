import type { DecryptionFailureCode } from "matrix-js-sdk/lib/crypto-api/index.js";

/**
 * Why a message cannot be decrypted, in our own words: the SDK's failure codes grouped by what
 * the user can understand and do about it. The sentences live in the i18n files under `utd`.
 */
export const UTD_REASONS = [
  /** The key has not arrived yet; the message is replaced by itself when it does. */
  "waiting",
  /** Sent before this device existed; the history is locked until the recovery key or another device unlocks it. */
  "history_locked",
  /** Sent before this device existed, and the account has no key backup: nothing to unlock. */
  "history_no_backup",
  /** Sent before this device existed; the backup is unlocked but does not hold this key. */
  "history_not_in_backup",
  /** Sent while I was not a member of the room. */
  "not_member",
  /** This device got the conversation's key only from a later message on. */
  "key_from_later",
  /** The sender chose not to share the key with this device. */
  "withheld",
  /** The sender shares keys with verified devices only, and this device is not verified. */
  "this_device_unverified",
  /** The sender's identity changed since I verified them: hidden for safety. */
  "sender_identity_changed",
  /** Sent from a device its owner has not verified (or one we cannot link to them). */
  "sender_device_unverified",
  "unknown",
] as const;
export type UtdReason = (typeof UTD_REASONS)[number];

/**
 * Keyed by the enum's string values (a template type) so this module needs no SDK code at
 * run time, while a code added to the SDK still fails the type check here.
 */
const BY_SDK_CODE: Record<`${DecryptionFailureCode}`, UtdReason> = {
  MEGOLM_UNKNOWN_INBOUND_SESSION_ID: "waiting",
  HISTORICAL_MESSAGE_BACKUP_UNCONFIGURED: "history_locked",
  HISTORICAL_MESSAGE_NO_KEY_BACKUP: "history_no_backup",
  HISTORICAL_MESSAGE_WORKING_BACKUP: "history_not_in_backup",
  HISTORICAL_MESSAGE_USER_NOT_JOINED: "not_member",
  OLM_UNKNOWN_MESSAGE_INDEX: "key_from_later",
  MEGOLM_KEY_WITHHELD: "withheld",
  MEGOLM_KEY_WITHHELD_FOR_UNVERIFIED_DEVICE: "this_device_unverified",
  SENDER_IDENTITY_PREVIOUSLY_VERIFIED: "sender_identity_changed",
  UNSIGNED_SENDER_DEVICE: "sender_device_unverified",
  UNKNOWN_SENDER_DEVICE: "sender_device_unverified",
  UNKNOWN_ERROR: "unknown",
};

/** Our reason for an SDK failure code; a code this build does not know reads as "unknown". */
export function utdReasonOf(code: string | null | undefined): UtdReason {
  if (code && Object.hasOwn(BY_SDK_CODE, code))
    return BY_SDK_CODE[code as `${DecryptionFailureCode}`];
  return "unknown";
}

/** Reasons the SDK expects to resolve by itself: shown calmly, as a wait rather than an error. */
export function isPending(reason: UtdReason): boolean {
  return reason === "waiting";
}
