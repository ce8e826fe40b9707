/** "First Last [Agency]" → name and agency label, as Tchap shows people. Pure. */
export interface PersonName {
  name: string;
  agency: string | null;
}

const WITH_AGENCY = /^(.*\S)\s*\[([^\]]+)\]\s*$/;

export function splitAgency(displayName: string | undefined | null, userId = ""): PersonName {
  const text = (displayName ?? "").trim();
  const m = WITH_AGENCY.exec(text);
  if (m) return { name: m[1]!, agency: m[2]!.trim() };
  return { name: text || userId, agency: null };
}
