/** Keyed pseudonyms of subject ids, apart from the export so that the export table can name their alphabet. */
import { createHmac } from "node:crypto";

/** Pseudonym letters: 16 consonants, so a pseudonym holds no digit (never a CPR number) and spells no word. */
export const PSEUDONYM_ALPHABET = "bcdfghjkmnpqrstv";

/**
 * Keyed pseudonym of a subject id: HMAC-SHA-256, its first 64 bits as 16 letters of PSEUDONYM_ALPHABET after "p_".
 * Same key → same pseudonym.
 */
export const pseudonym = (subjectId: string, key: string | Uint8Array): string => {
  const digest = createHmac("sha256", key).update(subjectId, "utf8").digest();
  let out = "p_";
  for (let i = 0; i < 8; i++) out += PSEUDONYM_ALPHABET[digest[i]! >> 4]! + PSEUDONYM_ALPHABET[digest[i]! & 15]!;
  return out;
};
