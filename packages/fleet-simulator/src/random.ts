/** Alphabet of Kubernetes' `utilrand.String`: no vowels, no look-alikes. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a of a string, for deriving seeds. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A seeded pseudo-random number generator (sfc32). The simulator never uses `Math.random`: a
 * run with the same seed draws the same boot times, failures, names and job durations.
 *
 * {@link Random.fork} derives an independent stream per entity (a VMI, a pool), so one VM's
 * draws do not depend on how many other VMs drew before it.
 *
 * @public
 */
export class Random {
  readonly seed: string;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number | string) {
    this.seed = String(seed);
    this.#a = fnv1a(`${this.seed}/a`);
    this.#b = fnv1a(`${this.seed}/b`);
    this.#c = fnv1a(`${this.seed}/c`);
    this.#d = fnv1a(`${this.seed}/d`);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** An independent stream for `key`, the same for the same seed and key. */
  fork(key: string): Random {
    return new Random(`${this.seed}/${key}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and log-space standard deviation `sigma`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson-distributed count with mean `mean` (Knuth for small means, normal above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) {
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    }
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count++;
      product *= this.next();
    }
    return count;
  }

  /** `length` characters as Kubernetes' generateName suffixes use. */
  nameSuffix(length = 5): string {
    let suffix = '';
    for (let i = 0; i < length; i++) {
      suffix += NAME_ALPHABET[this.int(NAME_ALPHABET.length)];
    }
    return suffix;
  }

  /** A lower-case hex string of `length` characters. */
  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += this.int(16).toString(16);
    return out;
  }
}
