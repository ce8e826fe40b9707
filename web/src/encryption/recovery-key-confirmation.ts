/**
 * Checking that the user saved their recovery key: they type back two of its groups of four
 * characters, chosen at random, from what they wrote down or downloaded — not from the screen,
 * which is hidden by then. Pure, so it is unit-tested directly.
 */

/** The recovery key's groups as shown (« EsTc 8bXk … »). */
export function keyGroups(recoveryKey: string): string[] {
  return recoveryKey.trim().split(/\s+/).filter(Boolean);
}

/** Two distinct group positions (0-based, ascending) to ask for. */
export function pickChallenge(groupCount: number, random: () => number = Math.random): number[] {
  if (groupCount < 2) throw new Error("a recovery key has more than one group");
  const first = Math.floor(random() * groupCount);
  let second = Math.floor(random() * (groupCount - 1));
  if (second >= first) second += 1;
  return [first, second].sort((a, b) => a - b);
}

/** Each answer equals its group, ignoring surrounding spaces (the key is case-sensitive). */
export function answersMatch(recoveryKey: string, positions: number[], answers: string[]): boolean {
  const groups = keyGroups(recoveryKey);
  return (
    positions.length === answers.length &&
    positions.every((p, i) => groups[p] !== undefined && groups[p] === answers[i]!.trim())
  );
}
