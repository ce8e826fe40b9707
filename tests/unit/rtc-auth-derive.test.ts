import { describe, expect, it } from "vitest";
import {
  goJsonStringArray,
  legacyIdentity,
  livekitRoomName,
  memberIdentity,
} from "../../rtc/auth/derive.ts";

// Expected values computed outside this code:
//   printf '%s' '<Go json.Marshal output>' | openssl dgst -sha256 -binary | base64 | tr -d =
describe("LiveKit names derived as lk-jwt-service 0.5 derives them", () => {
  it("names the room after the Matrix room and the m.call#ROOM slot", () => {
    expect(livekitRoomName("!testRoom:example.com")).toBe(
      "/lBTLIGR4z7th3MC5UJfOWFVTGaX5H47h23RgN7n1aw",
    );
    expect(livekitRoomName("!testRoom:example.com", "m.call#ROOM")).toBe(
      livekitRoomName("!testRoom:example.com"),
    );
    expect(livekitRoomName("!testRoom:example.com", "other#SLOT")).not.toBe(
      livekitRoomName("!testRoom:example.com"),
    );
  });

  it("gives /get_token members a pseudonymous identity per user, device and member id", () => {
    expect(memberIdentity("@user:example.com", "testDevice", "member_test_id")).toBe(
      "Px5NRnnoB7HRJBT7opgVmkx4XpxWMOYgaI53JcHpx4w",
    );
    expect(memberIdentity("@user:example.com", "testDevice", "other")).not.toBe(
      memberIdentity("@user:example.com", "testDevice", "member_test_id"),
    );
  });

  it("gives /sfu/get callers the identity @user:server:DEVICE", () => {
    expect(legacyIdentity("@alice:ministere-a.localhost", "ABCDEF")).toBe(
      "@alice:ministere-a.localhost:ABCDEF",
    );
  });

  it("hashes the bytes Go's json.Marshal writes, HTML escapes included", () => {
    expect(goJsonStringArray(["a<b>&c", 'q"\\', "\n\t\b\f\r\u0001\u007f"])).toBe(
      '["a\\u003cb\\u003e\\u0026c","q\\"\\\\","\\n\\t\\b\\f\\r\\u0001\u007f"]',
    );
    expect(livekitRoomName("!a<b>&c:x")).toBe("cDgj1jylvCeyef74HWx13+FSLF10XfvuYRpmcnfWSoo");
  });

  it("escapes U+2028 and turns a lone surrogate into U+FFFD as Go does", () => {
    expect(goJsonStringArray(["\u2028\u2029"])).toBe('["\\u2028\\u2029"]');
    // Hashed: ["!a\u2028b<raw EF BF BD>:x","m.call#ROOM"] (Go writes a valid U+FFFD raw).
    expect(livekitRoomName("!a\u2028b\ud800:x")).toBe(
      "U0KCdy652rC+awyPbmQM1T2yHT/TMHDWoXh1gbhd4XY",
    );
    // A valid surrogate pair (emoji) is kept as is.
    expect(goJsonStringArray(["😀"])).toBe('["😀"]');
  });
});
