// The built-in corpus behind grounded completions: a few short public-domain texts, one
// "publisher" each, so grounded answers cite real passages deterministically. Kept small on purpose.
// Sources and licences (all public domain):
//   WorldEnglishBible — the World English Bible (ebible.org/web), dedicated to the public domain.
//   AugustineConfessions — Augustine, Confessions, Book I, tr. E. B. Pusey (1838), public domain.
//   BunyanPilgrimsProgress — John Bunyan, The Pilgrim's Progress (1678), public domain.

/** One passage a publisher can return. */
export interface Passage {
  publisher: string;
  title: string;
  author: string;
  text: string;
}

/** The publisher grounded completions use when `rag_publisher` is omitted (reference: the grounded API reference). */
export const DEFAULT_PUBLISHER = "GlooGrounded";

const WEB = "World English Bible";

/** Every passage, by publisher. `GlooGrounded` searches them all. */
export const CORPUS: Readonly<Record<string, readonly Passage[]>> = {
  WorldEnglishBible: [
    {
      title: "Psalm 23:1-3",
      text: "Yahweh is my shepherd: I shall lack nothing. He makes me lie down in green pastures. He leads me beside still waters. He restores my soul. He guides me in the paths of righteousness for his name's sake.",
    },
    {
      title: "1 Corinthians 13:4-7",
      text: "Love is patient and is kind; love doesn't envy. Love doesn't brag, is not proud, doesn't behave itself inappropriately, doesn't seek its own way, is not provoked, takes no account of evil; doesn't rejoice in unrighteousness, but rejoices with the truth; bears all things, believes all things, hopes all things, and endures all things.",
    },
    {
      title: "Matthew 5:3-5",
      text: "Blessed are the poor in spirit, for theirs is the Kingdom of Heaven. Blessed are those who mourn, for they shall be comforted. Blessed are the gentle, for they shall inherit the earth.",
    },
    {
      title: "Micah 6:8",
      text: "He has shown you, O man, what is good. What does Yahweh require of you, but to act justly, to love mercy, and to walk humbly with your God?",
    },
  ].map((passage) => ({ ...passage, publisher: "WorldEnglishBible", author: WEB })),
  AugustineConfessions: [
    {
      title: "Confessions, Book I, 1",
      text: "Great art Thou, O Lord, and greatly to be praised; great is Thy power, and Thy wisdom infinite. Thou awakest us to delight in Thy praise; for Thou madest us for Thyself, and our heart is restless, until it repose in Thee.",
    },
  ].map((passage) => ({ ...passage, publisher: "AugustineConfessions", author: "Augustine of Hippo" })),
  BunyanPilgrimsProgress: [
    {
      title: "The Pilgrim's Progress, the first stage",
      text: "As I walked through the wilderness of this world, I lighted on a certain place where was a Den, and I laid me down in that place to sleep: and, as I slept, I dreamed a dream.",
    },
  ].map((passage) => ({ ...passage, publisher: "BunyanPilgrimsProgress", author: "John Bunyan" })),
};

/** The passages a publisher searches, or undefined for an unknown publisher. */
export function passagesOf(publisher: string): readonly Passage[] | undefined {
  if (publisher === DEFAULT_PUBLISHER) return Object.values(CORPUS).flat();
  return CORPUS[publisher];
}
