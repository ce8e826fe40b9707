import { DecryptionFailureCode } from "matrix-js-sdk/lib/crypto-api/index.js";
import { describe, expect, it } from "vitest";
import { en } from "../../web/src/i18n/en.ts";
import { fr } from "../../web/src/i18n/fr.ts";
import { isPending, UTD_REASONS, utdReasonOf } from "../../web/src/timeline/utd-reason.ts";

const sdkCodes = Object.values(DecryptionFailureCode);

describe("why a message cannot be decrypted", () => {
  it("gives every SDK failure code a reason of its own, only UNKNOWN_ERROR reads as unknown", () => {
    expect(sdkCodes.length).toBeGreaterThan(10);
    for (const code of sdkCodes) {
      const reason = utdReasonOf(code);
      expect(UTD_REASONS).toContain(reason);
      if (code !== DecryptionFailureCode.UNKNOWN_ERROR) expect(reason, code).not.toBe("unknown");
    }
  });

  it("tells apart the cases the user acts on differently", () => {
    expect(utdReasonOf(DecryptionFailureCode.HISTORICAL_MESSAGE_BACKUP_UNCONFIGURED)).toBe(
      "history_locked",
    );
    expect(utdReasonOf(DecryptionFailureCode.HISTORICAL_MESSAGE_NO_KEY_BACKUP)).toBe(
      "history_no_backup",
    );
    expect(utdReasonOf(DecryptionFailureCode.MEGOLM_KEY_WITHHELD)).toBe("withheld");
    expect(utdReasonOf(DecryptionFailureCode.MEGOLM_KEY_WITHHELD_FOR_UNVERIFIED_DEVICE)).toBe(
      "this_device_unverified",
    );
    expect(utdReasonOf(DecryptionFailureCode.UNSIGNED_SENDER_DEVICE)).toBe(
      "sender_device_unverified",
    );
    expect(utdReasonOf(DecryptionFailureCode.SENDER_IDENTITY_PREVIOUSLY_VERIFIED)).toBe(
      "sender_identity_changed",
    );
    expect(utdReasonOf(DecryptionFailureCode.MEGOLM_UNKNOWN_INBOUND_SESSION_ID)).toBe("waiting");
  });

  it("shows only the key still on its way as a wait", () => {
    const pending = UTD_REASONS.filter(isPending);
    expect(pending).toEqual(["waiting"]);
  });

  it("reads a missing or future code as unknown rather than failing", () => {
    expect(utdReasonOf(null)).toBe("unknown");
    expect(utdReasonOf(undefined)).toBe("unknown");
    expect(utdReasonOf("SOME_CODE_FROM_A_NEWER_SDK")).toBe("unknown");
    expect(utdReasonOf("toString")).toBe("unknown");
  });

  it("has a sentence in French and English for every reason, never the SDK's code", () => {
    for (const reason of UTD_REASONS) {
      for (const strings of [fr.utd, en.utd]) {
        const sentence = strings[reason];
        expect(sentence.length).toBeGreaterThan(20);
        expect(sentence).not.toMatch(/[A-Z]{3,}_[A-Z_]+/);
      }
      expect(fr.utd[reason]).not.toBe(en.utd[reason]);
    }
    expect(Object.keys(fr.utd).sort()).toEqual([...UTD_REASONS].sort());
  });

  it("sends messages from before this device to the recovery key or another device", () => {
    expect(fr.utd.history_locked).toBe(
      "Envoyé avant la connexion de cet appareil. Déverrouillez l'historique avec votre clé de récupération ou un autre appareil.",
    );
  });
});
