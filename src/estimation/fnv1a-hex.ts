// 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits: a short, stable fingerprint (not a security hash)
// used to name a factor set derived by overrides, so two different override sets never share an id.

export function fnv1aHex(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
