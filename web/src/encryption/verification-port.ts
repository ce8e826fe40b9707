import type { MatrixClient } from "matrix-js-sdk";
import { splitAgency } from "../core/agency.ts";
import {
  CryptoEvent,
  VerificationPhase,
  VerificationRequestEvent,
  VerifierEvent,
  type ShowSasCallbacks,
} from "matrix-js-sdk/lib/crypto-api/index.js";

/**
 * The part of the SDK's verification objects the verification view model uses. The SDK's
 * `VerificationRequest` and `Verifier` satisfy these as they are; unit tests drive fakes.
 */
export interface SasVerifier {
  verify(): Promise<void>;
  getShowSasCallbacks(): ShowSasCallbacks | null;
  on(event: VerifierEvent.ShowSas, listener: (sas: ShowSasCallbacks) => void): unknown;
  off(event: VerifierEvent.ShowSas, listener: (sas: ShowSasCallbacks) => void): unknown;
}

export interface VerificationRequestLike {
  readonly phase: VerificationPhase;
  readonly initiatedByMe: boolean;
  readonly otherUserId: string;
  readonly isSelfVerification: boolean;
  readonly accepting: boolean;
  readonly verifier: SasVerifier | undefined;
  readonly cancellationCode: string | null;
  readonly cancellingUserId: string | undefined;
  accept(): Promise<void>;
  cancel(): Promise<void>;
  startVerification(method: string): Promise<unknown>;
  on(event: VerificationRequestEvent.Change, listener: () => void): unknown;
  off(event: VerificationRequestEvent.Change, listener: () => void): unknown;
}

/** What the verification view model asks of the session. */
export interface VerificationPort {
  readonly myUserId: string;
  requestOwnUserVerification(): Promise<VerificationRequestLike>;
  requestVerificationDM(userId: string, roomId: string): Promise<VerificationRequestLike>;
  /** Requests from others (or my other devices); returns the unsubscribe. */
  onRequestReceived(listener: (request: VerificationRequestLike) => void): () => void;
  /** "Chloé Bernard" for a user id, for the dialog. */
  displayName(userId: string): string;
  /**
   * Resolves true once this device is cross-signed, false if it is not within a while. After a
   * verification with my other device, that device signs this one and uploads the signature: it
   * reaches this device a moment after the verification is done.
   */
  thisDeviceCrossSigned(): Promise<boolean>;
}

/** How long a device just verified waits for its signature to come back (seconds, not minutes). */
const SIGNATURE_WAIT_MS = 20_000;

/** The port over a running client with Rust crypto. */
export function verificationPort(client: MatrixClient): VerificationPort {
  const crypto = () => {
    const c = client.getCrypto();
    if (!c) throw new Error("end-to-end encryption is not initialised");
    return c;
  };
  return {
    myUserId: client.getSafeUserId(),
    requestOwnUserVerification: () => crypto().requestOwnUserVerification(),
    requestVerificationDM: (userId, roomId) => crypto().requestVerificationDM(userId, roomId),
    onRequestReceived: (listener) => {
      client.on(CryptoEvent.VerificationRequestReceived, listener);
      return () => client.off(CryptoEvent.VerificationRequestReceived, listener);
    },
    displayName: (userId) => personName(client, userId),
    thisDeviceCrossSigned: () => thisDeviceCrossSigned(client),
  };
}

function thisDeviceCrossSigned(client: MatrixClient): Promise<boolean> {
  const me = client.getSafeUserId();
  const check = async () =>
    (await client.getCrypto()?.getDeviceVerificationStatus(me, client.getDeviceId() ?? ""))
      ?.crossSigningVerified ?? false;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (verified: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off(CryptoEvent.DevicesUpdated, onDevices);
      resolve(verified);
    };
    // The signature arrives with a refresh of my own device list.
    const onDevices = (userIds: string[]) => {
      if (userIds.includes(me)) void check().then((ok) => ok && finish(true), noop);
    };
    const timer = setTimeout(
      () => void check().then(finish, () => finish(false)),
      SIGNATURE_WAIT_MS,
    );
    client.on(CryptoEvent.DevicesUpdated, onDevices);
    void check().then((ok) => ok && finish(true), noop);
  });
}

const noop = () => undefined;

/** "Chloé Bernard", without the agency: from a room we share (profiles may be lazy-loaded). */
function personName(client: MatrixClient, userId: string): string {
  const known = client.getUser(userId)?.displayName;
  const member = known
    ? undefined
    : client
        .getRooms()
        .map((r) => r.getMember(userId))
        .find((m) => m?.name);
  return splitAgency(known ?? member?.name, userId).name;
}
