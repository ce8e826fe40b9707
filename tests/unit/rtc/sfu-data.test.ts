import { DataPacket, DataPacket_Kind, UserPacket } from "@livekit/protocol";
import { describe, expect, it } from "vitest";
import { stampDataPacket } from "../../../rtc/sfu/data-channels.ts";

function frame(kind: DataPacket_Kind, claimed: string): Buffer {
  const packet = new DataPacket({
    kind,
    participantIdentity: claimed,
    value: {
      case: "user",
      value: new UserPacket({
        participantIdentity: claimed,
        payload: new TextEncoder().encode("hi"),
      }),
    },
  });
  return Buffer.from(packet.toBinary());
}

describe("stampDataPacket", () => {
  it("overwrites the claimed sender with the authenticated one", () => {
    const out = stampDataPacket(
      "_reliable",
      frame(DataPacket_Kind.RELIABLE, "someone-else"),
      "alice",
      "PA_a",
    );
    expect(out?.packet.participantIdentity).toBe("alice");
    const user = out?.packet.value.case === "user" ? out.packet.value.value : undefined;
    expect(user?.participantIdentity).toBe("alice");
    expect(user?.participantSid).toBe("PA_a");
    expect(new TextDecoder().decode(user?.payload)).toBe("hi");
    expect(out?.reliable).toBe(true);
  });

  it("keeps lossy packets lossy and drops text or garbage frames", () => {
    expect(
      stampDataPacket("_lossy", frame(DataPacket_Kind.LOSSY, "a"), "a", "PA_a")?.reliable,
    ).toBe(false);
    expect(stampDataPacket("_reliable", "text", "a", "PA_a")).toBeUndefined();
    expect(
      stampDataPacket("_reliable", Buffer.from([0xff, 0xff, 0xff]), "a", "PA_a"),
    ).toBeUndefined();
  });
});
