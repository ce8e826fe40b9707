import type {
  StackAccount,
  StackDescription,
} from "../../../homeserver-config/src/stack/stack-description.ts";
import { accountCryptoClient } from "../../../bots/testing/crypto-client.ts";
import { passwordAuth } from "../../../web/src/encryption/user-interactive-auth.ts";

/**
 * Gives `account` a new cross-signing identity from a new device (a real Rust-crypto client in
 * Node), as someone who lost their recovery key and reset their encryption does: the people who
 * had verified them must now be warned. Replacing existing keys needs the account password
 * (user-interactive auth); only an account's first upload goes through without it.
 */
export async function resetIdentity(stack: StackDescription, account: StackAccount): Promise<void> {
  // Synced once first, so that this device's own keys are uploaded before it signs them.
  const client = await accountCryptoClient(stack, account, "reset-test");
  try {
    // What « Réinitialiser le chiffrement » does: new identity, new secret storage and backup.
    await client.getCrypto()!.resetEncryption(passwordAuth(account.userId, account.password));
  } finally {
    client.stopClient();
  }
}
