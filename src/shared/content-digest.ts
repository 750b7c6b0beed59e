// A short, deterministic fingerprint of a message's content, computable inside the workflow sandbox
// (no Node crypto there). It only tells "the same id with different text" apart from a retry; it is no
// security boundary: two 32-bit hashes (FNV-1a and a multiplicative one) over UTF-16 code units, and the
// length, are enough.
export function contentDigest(text: string): string {
  let fnv = 0x811c9dc5;
  let mul = 0x9e3779b9;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    fnv = Math.imul(fnv ^ c, 0x01000193);
    mul = Math.imul(mul ^ c, 0x5bd1e995) ^ (mul >>> 15);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `${text.length}:${hex(fnv)}${hex(mul)}`;
}
