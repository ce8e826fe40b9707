/**
 * The 64 emoji of SAS verification with their names, from the Matrix specification's
 * `data-definitions/sas-emoji.json` (matrix-org/matrix-spec). The SDK only gives English names;
 * Tchap's users compare the French ones, and both sides of a verification must read the same word
 * for the same picture, so the names are the spec's, not our own translations.
 */
export type SasEmojiEntry = readonly [emoji: string, english: string, french: string];

/** Index = the SAS number (0–63) the spec assigns to each emoji. */
export const SAS_EMOJI: readonly SasEmojiEntry[] = [
  ["🐶", "Dog", "Chien"],
  ["🐱", "Cat", "Chat"],
  ["🦁", "Lion", "Lion"],
  ["🐎", "Horse", "Cheval"],
  ["🦄", "Unicorn", "Licorne"],
  ["🐷", "Pig", "Cochon"],
  ["🐘", "Elephant", "Éléphant"],
  ["🐰", "Rabbit", "Lapin"],
  ["🐼", "Panda", "Panda"],
  ["🐓", "Rooster", "Coq"],
  ["🐧", "Penguin", "Manchot"],
  ["🐢", "Turtle", "Tortue"],
  ["🐟", "Fish", "Poisson"],
  ["🐙", "Octopus", "Poulpe"],
  ["🦋", "Butterfly", "Papillon"],
  ["🌷", "Flower", "Fleur"],
  ["🌳", "Tree", "Arbre"],
  ["🌵", "Cactus", "Cactus"],
  ["🍄", "Mushroom", "Champignon"],
  ["🌏", "Globe", "Globe"],
  ["🌙", "Moon", "Lune"],
  ["☁️", "Cloud", "Nuage"],
  ["🔥", "Fire", "Feu"],
  ["🍌", "Banana", "Banane"],
  ["🍎", "Apple", "Pomme"],
  ["🍓", "Strawberry", "Fraise"],
  ["🌽", "Corn", "Maïs"],
  ["🍕", "Pizza", "Pizza"],
  ["🎂", "Cake", "Gâteau"],
  ["❤️", "Heart", "Cœur"],
  ["😀", "Smiley", "Sourire"],
  ["🤖", "Robot", "Robot"],
  ["🎩", "Hat", "Chapeau"],
  ["👓", "Glasses", "Lunettes"],
  ["🔧", "Spanner", "Clé à molette"],
  ["🎅", "Santa", "Père Noël"],
  ["👍", "Thumbs Up", "Pouce en l’air"],
  ["☂️", "Umbrella", "Parapluie"],
  ["⌛", "Hourglass", "Sablier"],
  ["⏰", "Clock", "Réveil"],
  ["🎁", "Gift", "Cadeau"],
  ["💡", "Light Bulb", "Ampoule"],
  ["📕", "Book", "Livre"],
  ["✏️", "Pencil", "Crayon"],
  ["📎", "Paperclip", "Trombone"],
  ["✂️", "Scissors", "Ciseaux"],
  ["🔒", "Lock", "Cadenas"],
  ["🔑", "Key", "Clé"],
  ["🔨", "Hammer", "Marteau"],
  ["☎️", "Telephone", "Téléphone"],
  ["🏁", "Flag", "Drapeau"],
  ["🚂", "Train", "Train"],
  ["🚲", "Bicycle", "Vélo"],
  ["✈️", "Aeroplane", "Avion"],
  ["🚀", "Rocket", "Fusée"],
  ["🏆", "Trophy", "Trophée"],
  ["⚽", "Ball", "Ballon"],
  ["🎸", "Guitar", "Guitare"],
  ["🎺", "Trumpet", "Trompette"],
  ["🔔", "Bell", "Cloche"],
  ["⚓", "Anchor", "Ancre"],
  ["🎧", "Headphones", "Casque audio"],
  ["📁", "Folder", "Dossier"],
  ["📌", "Pin", "Punaise"],
];

/** One emoji as shown to the user. */
export interface SasEmoji {
  emoji: string;
  name: string;
}

// The SDK may give an emoji with or without the variation selector U+FE0F ("☁️" / "☁"), and its
// English names may differ in case from the spec's ("Thumbs up"): match on both, normalised.
const normalise = (s: string) =>
  s
    .replace(/\uFE0F/g, "")
    .trim()
    .toLowerCase();
const byEmoji = new Map(SAS_EMOJI.map((e) => [normalise(e[0]), e]));
const byEnglish = new Map(SAS_EMOJI.map((e) => [normalise(e[1]), e]));

/**
 * The name to show for an emoji the SDK generated (`[emoji, englishName]`), in `language`.
 * An emoji missing from the table keeps the SDK's English name rather than showing nothing.
 */
export function sasEmojiName(emoji: string, englishName: string, language: string): string {
  const entry = byEmoji.get(normalise(emoji)) ?? byEnglish.get(normalise(englishName));
  if (!entry) return englishName;
  return language.startsWith("fr") ? entry[2] : entry[1];
}
