import {
  VerificationPhase,
  VerificationRequestEvent,
  VerifierEvent,
  type EmojiMapping,
  type ShowSasCallbacks,
} from "matrix-js-sdk/lib/crypto-api/index.js";
import { Disposer, Observable } from "../core/observable.ts";
import type {
  SasVerifier,
  VerificationPort,
  VerificationRequestLike,
} from "./verification-port.ts";

/** Who is on the other side: another person, or another of my own devices (`self`). */
export interface VerificationPeer {
  userId: string;
  name: string;
  self: boolean;
}

export type CancelReason =
  /** Someone said the emoji differ (or the keys did not match): maybe not who they claim. */
  | "mismatch"
  /** The other side refused or cancelled. */
  | "declined"
  /** Nobody answered in time. */
  | "timeout"
  /** Another of my devices took the request. */
  | "elsewhere"
  /** The homeserver or the other client failed. */
  | "failed";

export type Verification =
  | null
  | { phase: "incoming"; peer: VerificationPeer }
  /** Our request is out, or we accepted theirs: the emoji come once both sides are ready. */
  | { phase: "waiting"; peer: VerificationPeer }
  /** Compare these; `confirmed` once I said they match and wait for the other side to. */
  | { phase: "sas"; peer: VerificationPeer; emoji: EmojiMapping[]; confirmed: boolean }
  | { phase: "done"; peer: VerificationPeer }
  | { phase: "cancelled"; peer: VerificationPeer; reason: CancelReason };

/** The SAS method; QR is not offered (see VerificationViewModel). */
const SAS = "m.sas.v1";

/**
 * The one owner of interactive verification for the session: requests I make (my other device,
 * a person in a DM) and requests I receive, one at a time, through their phases.
 *
 * Emoji (SAS) only. The issue asks for QR "where both sides can", but a browser client can show
 * a QR code yet has no scanner, and scanning is the side that matters with another browser; the
 * SDK falls back to SAS anyway, so there is no QR code here.
 *
 * Free of React; the chat view model creates it with a port over the client. It is the
 * encryption set-up's `OwnDeviceVerifier` (« Vérifier avec un autre appareil »).
 */
export class VerificationViewModel {
  readonly current = new Observable<Verification>(null);
  private request: VerificationRequestLike | null = null;
  /** Listeners on the current request and its verifier. */
  private tracking = new Disposer();
  private verifier: SasVerifier | null = null;
  private sas: ShowSasCallbacks | null = null;
  private confirmed = false;
  private startedSas = false;
  /** Resolves the promise of `requestOwnDevice` (or of nothing) when the request ends. */
  private outcome: ((verified: boolean) => void) | null = null;
  private readonly disposer = new Disposer();

  constructor(private readonly port: VerificationPort) {
    this.disposer.add(port.onRequestReceived((r) => this.onIncoming(r)));
    this.disposer.add(() => this.untrack(false));
  }

  /** A request is under way (shown, not finished): a second one would hide it. */
  get busy(): boolean {
    const phase = this.current.get()?.phase;
    return phase === "incoming" || phase === "waiting" || phase === "sas";
  }

  private onIncoming(request: VerificationRequestLike): void {
    // One at a time: a request arriving during another one is left to time out on its side.
    if (request.initiatedByMe || this.busy || this.disposer.isDisposed) return;
    this.track(request);
  }

  /**
   * « Vérifier avec un autre appareil »: asks my other signed-in devices; true once the emoji
   * were confirmed on both sides and the other device's signature of this one arrived, false if
   * it was cancelled, refused or failed.
   */
  requestOwnDevice(): Promise<boolean> {
    const me = this.port.myUserId;
    return this.start({ userId: me, name: this.port.displayName(me), self: true }, () =>
      this.port.requestOwnUserVerification(),
    );
  }

  /** Verifies another person, in our DM `roomId`. Resolves like `requestOwnDevice`. */
  requestUser(userId: string, roomId: string): Promise<boolean> {
    return this.start({ userId, name: this.port.displayName(userId), self: false }, () =>
      this.port.requestVerificationDM(userId, roomId),
    );
  }

  private async start(
    peer: VerificationPeer,
    send: () => Promise<VerificationRequestLike>,
  ): Promise<boolean> {
    this.cancel();
    this.current.set({ phase: "waiting", peer });
    const outcome = new Promise<boolean>((resolve) => (this.outcome = resolve));
    const settle = this.outcome;
    try {
      const request = await send();
      // Cancelled or replaced while the request was being sent: withdraw it.
      if (this.outcome !== settle || this.disposer.isDisposed) void request.cancel().catch(noop);
      else this.track(request, settle);
    } catch {
      if (this.outcome === settle) this.fail(peer);
    }
    return outcome;
  }

  /** « Accepter » an incoming request. */
  accept(): void {
    const request = this.request;
    if (!request || this.current.get()?.phase !== "incoming") return;
    this.current.set({ phase: "waiting", peer: this.peerOf(request) });
    request.accept().catch(() => this.fail(this.peerOf(request)));
  }

  /** « Ils correspondent »: the other side must confirm too before it is done. */
  confirmMatch(): void {
    const sas = this.sas;
    if (!sas || this.confirmed) return;
    this.confirmed = true;
    this.update();
    sas.confirm().catch(() => this.request && this.fail(this.peerOf(this.request)));
  }

  /** « Ils ne correspondent pas »: cancels on both sides, with the mismatch reason. */
  mismatch(): void {
    this.sas?.mismatch();
  }

  /** « Refuser », « Annuler » while under way; closes the dialog once finished. */
  cancel(): void {
    const request = this.request;
    const pending = this.busy;
    this.untrack(false);
    this.current.set(null);
    if (request && pending) void request.cancel().catch(noop);
  }

  private track(request: VerificationRequestLike, settle: typeof this.outcome = null): void {
    // Whoever waits on `settle` waits for this request, not for the end of the previous one.
    if (this.outcome === settle) this.outcome = null;
    this.untrack(false);
    this.outcome = settle;
    this.request = request;
    const onChange = () => this.update();
    request.on(VerificationRequestEvent.Change, onChange);
    this.tracking.add(() => request.off(VerificationRequestEvent.Change, onChange));
    this.update();
  }

  /** Stops following the current request; its outcome (if anyone waits) is `verified`. */
  private untrack(verified: boolean): void {
    this.tracking.dispose();
    this.tracking = new Disposer();
    this.request = null;
    this.verifier = null;
    this.sas = null;
    this.confirmed = false;
    this.startedSas = false;
    const settle = this.outcome;
    this.outcome = null;
    settle?.(verified);
  }

  private update(): void {
    const request = this.request;
    if (!request) return;
    const peer = this.peerOf(request);
    switch (request.phase) {
      case VerificationPhase.Unsent:
      case VerificationPhase.Requested:
        this.current.set(
          request.initiatedByMe || request.accepting
            ? { phase: "waiting", peer }
            : { phase: "incoming", peer },
        );
        return;
      case VerificationPhase.Ready:
        this.current.set({ phase: "waiting", peer });
        // The side that asked starts the emoji exchange once the other side accepted.
        if (request.initiatedByMe && !this.startedSas) {
          this.startedSas = true;
          request.startVerification(SAS).catch(() => this.fail(peer));
        }
        return;
      case VerificationPhase.Started:
        this.follow(request.verifier);
        this.current.set(
          this.sas?.sas.emoji
            ? { phase: "sas", peer, emoji: this.sas.sas.emoji, confirmed: this.confirmed }
            : { phase: "waiting", peer },
        );
        return;
      case VerificationPhase.Done: {
        this.current.set({ phase: "done", peer });
        // Whoever asked from a new device wants it usable: « true » once it is cross-signed,
        // which comes a moment after « done » (see VerificationPort.thisDeviceCrossSigned).
        const settle = this.outcome;
        if (!request.isSelfVerification || !settle) return this.untrack(true);
        this.outcome = null;
        this.untrack(false);
        void this.port.thisDeviceCrossSigned().then(settle, () => settle(false));
        return;
      }
      case VerificationPhase.Cancelled:
        // My own cancel() stops following the request first, so a cancellation seen here came
        // from the other side (or from my « Ils ne correspondent pas », which has its own code).
        this.current.set({
          phase: "cancelled",
          peer,
          reason: cancelReason(request.cancellationCode),
        });
        this.untrack(false);
        return;
    }
  }

  /** Listens to the verifier the request got once a method was chosen, and runs it. */
  private follow(verifier: SasVerifier | undefined): void {
    if (!verifier || verifier === this.verifier) return;
    this.verifier = verifier;
    const onSas = (sas: ShowSasCallbacks) => {
      this.sas = sas;
      this.update();
    };
    verifier.on(VerifierEvent.ShowSas, onSas);
    this.tracking.add(() => verifier.off(VerifierEvent.ShowSas, onSas));
    this.sas = verifier.getShowSasCallbacks();
    // Rejects when cancelled, which the request's phase reports with its reason.
    verifier.verify().catch(noop);
  }

  private fail(peer: VerificationPeer): void {
    const request = this.request;
    this.untrack(false);
    this.current.set({ phase: "cancelled", peer, reason: "failed" });
    if (request) void request.cancel().catch(noop);
  }

  private peerOf(request: VerificationRequestLike): VerificationPeer {
    const userId = request.otherUserId;
    return { userId, name: this.port.displayName(userId), self: request.isSelfVerification };
  }

  dispose(): void {
    this.cancel();
    this.disposer.dispose();
  }
}

/** Why a request ended, from the spec's cancellation code. */
export function cancelReason(code: string | null): CancelReason {
  switch (code) {
    case "m.mismatched_sas":
    case "m.key_mismatch":
    case "m.mismatched_commitment":
      return "mismatch";
    case "m.timeout":
      return "timeout";
    case "m.accepted":
      return "elsewhere";
    case "m.user":
      return "declined";
    default:
      return "failed";
  }
}

const noop = () => undefined;
