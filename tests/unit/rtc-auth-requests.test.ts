import { describe, expect, it } from "vitest";
import { AuthRefusal } from "../../rtc/auth/errors.ts";
import { parseJsonBody, parseSfuGetRequest, parseSlotRequest } from "../../rtc/auth/requests.ts";

const openid = {
  access_token: "tok",
  token_type: "Bearer",
  matrix_server_name: "ministere-a.localhost",
  expires_in: 3600,
};
const slot = {
  room_id: "!r:ministere-a.localhost",
  slot_id: "m.call#ROOM",
  openid_token: openid,
  member: { id: "m1", claimed_user_id: "@a:ministere-a.localhost", claimed_device_id: "D" },
};

function refusal(fn: () => unknown): AuthRefusal {
  try {
    fn();
  } catch (e) {
    if (e instanceof AuthRefusal) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("request bodies", () => {
  it("refuses bytes that are not UTF-8 JSON with M_NOT_JSON", () => {
    expect(refusal(() => parseJsonBody(new TextEncoder().encode("{nope")))).toMatchObject({
      status: 400,
      errcode: "M_NOT_JSON",
      reason: "not_json",
    });
    expect(refusal(() => parseJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]))).errcode).toBe(
      "M_NOT_JSON",
    );
  });

  it("accepts the /get_token shape, ignoring fields it does not know", () => {
    const r = parseSlotRequest({ ...slot, delay_id: "x", delay_timeout: 1000, extra: true });
    expect(r.member.claimed_user_id).toBe("@a:ministere-a.localhost");
  });

  it("names the missing or wrong field", () => {
    const missing = refusal(() =>
      parseSlotRequest({ ...slot, member: { id: "m1", claimed_device_id: "D" } }),
    );
    expect(missing).toMatchObject({ status: 400, errcode: "M_BAD_JSON" });
    expect(missing.message).toBe("member.claimed_user_id: is required");
    const empty = refusal(() =>
      parseSlotRequest({ ...slot, openid_token: { ...openid, access_token: "" } }),
    );
    expect(empty.message).toBe("openid_token.access_token: must not be empty");
    const typed = refusal(() => parseSlotRequest({ ...slot, room_id: 5 }));
    expect(typed.message).toMatch(/^room_id: /);
    const long = refusal(() => parseSlotRequest({ ...slot, room_id: "!" + "x".repeat(300) }));
    expect(long.message).toBe("room_id: is longer than 255 characters");
    expect(refusal(() => parseSlotRequest([slot])).message).toMatch(/must be a JSON object/);
    expect(refusal(() => parseSlotRequest(null)).errcode).toBe("M_BAD_JSON");
  });

  it("/sfu/get takes the legacy shape or the slot shape", () => {
    expect(
      parseSfuGetRequest({ room: "!r:x", openid_token: openid, device_id: "DEV" }),
    ).toMatchObject({ kind: "legacy", request: { room: "!r:x", device_id: "DEV" } });
    expect(parseSfuGetRequest({ room: "!r:x", openid_token: openid })).toMatchObject({
      kind: "legacy",
      request: { device_id: "" },
    });
    expect(parseSfuGetRequest(slot).kind).toBe("slot");
    expect(refusal(() => parseSfuGetRequest({ openid_token: openid })).message).toBe(
      "room: is required",
    );
  });
});

describe("log lines", () => {
  it("cannot be split by text from a request", async () => {
    const { oneLine } = await import("../../rtc/auth/http-server.ts");
    expect(oneLine("refused evil.example\n2026 granted @x:y\u2028")).toBe(
      "refused evil.example\\u000a2026 granted @x:y\\u2028",
    );
  });
});
