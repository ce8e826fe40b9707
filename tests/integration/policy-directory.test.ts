import { describe, expect, inject, it } from "vitest";

const stack = inject("stack");
const directory = stack.services.directory!.url;
const serverOf = (id: string) => stack.homeservers.find((h) => h.id === id)!.serverName;

async function info(address: string, medium = "email") {
  const res = await fetch(
    `${directory}/_matrix/identity/api/v1/info?medium=${medium}&address=${encodeURIComponent(address)}`,
    { headers: { origin: "http://127.0.0.1:5173" } },
  );
  return {
    status: res.status,
    cors: res.headers.get("access-control-allow-origin"),
    body: await res.json(),
  };
}

describe("the agency directory", () => {
  it("is listed in stack.json and answers with CORS for the web client", async () => {
    expect(directory).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await info("alice.nouvelle@ministere-a.gouv.fr");
    expect(res).toEqual({ status: 200, cors: "*", body: { hs: serverOf("ministere-a") } });
    const preflight = await fetch(`${directory}/_matrix/identity/api/v1/info`, {
      method: "OPTIONS",
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
  });

  it("answers an exact address before the domains", async () => {
    // cabinet.b@prestataire.fr is listed by ministry B; prestataire.fr is nobody's domain.
    expect((await info("cabinet.b@prestataire.fr")).body).toEqual({ hs: serverOf("ministere-b") });
    expect((await info("autre@prestataire.fr")).body).toEqual({ hs: serverOf("externe") });
  });

  it("matches *. patterns on subdomains, not on look-alike domains", async () => {
    expect((await info("agent@dgfip.ministere-b.gouv.fr")).body).toEqual({
      hs: serverOf("ministere-b"),
    });
    expect((await info("agent@faux-ministere-b.gouv.fr")).body).toEqual({
      hs: serverOf("externe"),
    });
  });

  it("sends unknown domains to the external users' server", async () => {
    expect((await info("jean@entreprise.example")).body).toEqual({ hs: serverOf("externe") });
  });

  it("answers an already registered address with the homeserver that holds it", async () => {
    // Provisioned on ministry A by an admin override, although the rules name the externe server.
    const hs = stack.homeservers.find((h) => h.id === "ministere-a")!;
    const address = `detache.${Date.now()}@partenaire.example`;
    expect((await info(address)).body).toEqual({ hs: serverOf("externe") });
    const userId = `@detache-${Date.now()}:${hs.serverName}`;
    const res = await fetch(
      `${hs.clientUrl}/_synapse/admin/v2/users/${encodeURIComponent(userId)}`,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${hs.admin.accessToken}` },
        body: JSON.stringify({
          password: "unused-password-1",
          threepids: [{ medium: "email", address }],
        }),
      },
    );
    expect(res.status).toBe(201);
    expect((await info(address)).body).toEqual({ hs: serverOf("ministere-a") });
    // A demo account answers its own server too.
    const chloe = stack.accounts.find((a) => a.homeserver === "ministere-b")!;
    expect((await info(chloe.email)).body).toEqual({ hs: serverOf("ministere-b") });
  });

  it("ignores case and Unicode normalisation", async () => {
    expect((await info("Alice.MARTIN@Ministere-A.GOUV.FR")).body).toEqual({
      hs: serverOf("ministere-a"),
    });
    // "é" composed (NFC) and decomposed (NFD) are the same address.
    const nfd = "he\u0301le\u0300ne.durand@ministere-b.gouv.fr";
    expect((await info(nfd)).body).toEqual({ hs: serverOf("ministere-b") });
    expect((await info("hélène.durand@ministere-b.gouv.fr")).body).toEqual({
      hs: serverOf("ministere-b"),
    });
    // An internationalised domain nobody claims goes to the external server.
    expect((await info("zoé@société-générale.example")).body).toEqual({ hs: serverOf("externe") });
  });

  it("refuses malformed addresses with 400 and a reason", async () => {
    const cases: [string, string][] = [
      ["", "empty"],
      ["alice.ministere-a.gouv.fr", "no_at_sign"],
      ["a@b@ministere-a.gouv.fr", "several_at_signs"],
      ["@ministere-a.gouv.fr", "invalid_local_part"],
      ["alice..martin@ministere-a.gouv.fr", "invalid_local_part"],
      ["alice@localhost", "invalid_domain"],
      ["alice@-ministere-a.gouv.fr", "invalid_domain"],
      ["alice martin@ministere-a.gouv.fr", "invalid_character"],
    ];
    for (const [address, reason] of cases) {
      const res = await info(address);
      expect(res.status, address).toBe(400);
      expect(res.cors).toBe("*");
      expect(res.body, address).toMatchObject({ errcode: "M_INVALID_PARAM", reason });
      expect(res.body.error).toEqual(expect.any(String));
    }
    const phone = await info("+33612345678", "msisdn");
    expect(phone.status).toBe(400);
    expect(phone.body.error).toContain("email");
  });
});
