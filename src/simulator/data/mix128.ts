// A bijection on 128 bits (four 32-bit words), used to turn structured keys into random-looking ones without
// ever mapping two keys to the same value: each step (xor with a constant, ChaCha quarter-round) is invertible.
// The quarter-round is from D. J. Bernstein, "ChaCha, a variant of Salsa20" (2008), §2; the constants are
// ChaCha's "expand 32-byte k". Four rounds give full avalanche over the 4 words, which is all that is needed
// here (this is not used for security).

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

/** Mixes `words` (length 4) in place. */
export function mix128(words: Uint32Array): void {
  let a = (words[0] ?? 0) ^ SIGMA[0];
  let b = (words[1] ?? 0) ^ SIGMA[1];
  let c = (words[2] ?? 0) ^ SIGMA[2];
  let d = (words[3] ?? 0) ^ SIGMA[3];
  for (let round = 0; round < 4; round++) {
    a = (a + b) | 0;
    d ^= a;
    d = (d << 16) | (d >>> 16);
    c = (c + d) | 0;
    b ^= c;
    b = (b << 12) | (b >>> 20);
    a = (a + b) | 0;
    d ^= a;
    d = (d << 8) | (d >>> 24);
    c = (c + d) | 0;
    b ^= c;
    b = (b << 7) | (b >>> 25);
    // A round constant, so that the fixed points of the bare quarter-round (e.g. all zeros) do not survive.
    a ^= round + 1;
  }
  words[0] = a;
  words[1] = b;
  words[2] = c;
  words[3] = d;
}
