/**
 * Seeded random numbers. One global generator (reseeded by `manualSeed`) serves every
 * function that draws randomness; each also takes a local `Generator` for an independent stream.
 *
 * Algorithm: xoshiro128** (Blackman & Vigna 2018) on four 32-bit words, seeded by splitmix32,
 * so a seed gives the same stream on every JavaScript engine. Uniform floats use 53 random bits;
 * normals use the Box–Muller transform, keeping the second value of each pair.
 */

export interface GeneratorState {
  readonly words: readonly [number, number, number, number];
  readonly spareNormal: number | null;
}

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the stream; the same seed always gives the same numbers. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new RangeError(`manualSeed: seed must be a finite number, got ${seed}`);
    // splitmix32 spreads any seed (including 0) over four non-zero state words.
    let x = Math.trunc(seed) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    // High 32 bits of a seed beyond 2^32 are mixed in too, so 2^32 + 1 ≠ 1.
    const high = Math.floor(Math.abs(seed) / 2 ** 32) >>> 0;
    this.s0 = next() ^ high;
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = null;
    return this;
  }

  /** Next 32 random bits as an unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** Standard normal N(0, 1) by Box–Muller: r = √(−2 ln u₁), θ = 2π u₂ → (r cos θ, r sin θ). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    const u1 = 1 - this.random(); // (0, 1]: log(u1) is finite
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n) without modulo bias. */
  randint(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) {
      throw new RangeError(`randint: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)
      throw new RangeError(`randperm: n must be an integer in [0, 2^31), got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** A snapshot to restore later with `setState` (checkpointing). */
  getState(): GeneratorState {
    return { words: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spareNormal };
  }

  setState(state: GeneratorState): this {
    const words: unknown = state?.words;
    const spare: unknown = state?.spareNormal;
    if (
      !Array.isArray(words) ||
      words.length !== 4 ||
      !words.every((w) => Number.isInteger(w) && w >= -(2 ** 31) && w < 2 ** 32) ||
      words.every((w) => w === 0) ||
      !(spare === null || (typeof spare === 'number' && Number.isFinite(spare)))
    ) {
      throw new RangeError(
        'Generator.setState: expected { words: four 32-bit integers, not all 0; spareNormal: a finite number or null }',
      );
    }
    [this.s0, this.s1, this.s2, this.s3] = state.words;
    this.spareNormal = state.spareNormal;
    return this;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when none is passed. */
export const defaultGenerator = new Generator(0);

/** Reseeds the global generator: every later random function becomes reproducible. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** A random permutation of 0..n-1 from `generator` (the global one by default). */
export function randperm(n: number, generator: Generator = defaultGenerator): Int32Array {
  return generator.permutation(n);
}
