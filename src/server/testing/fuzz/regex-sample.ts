/**
 * Strings that match a regular expression, for the API fuzzer's valid inputs: the subset the route schemas use
 * (anchors, literals, escapes \d \w \s, `.`, classes with ranges, groups, alternation, ? * + {n} {n,} {n,m}).
 * `reps` picks the repetition counts: random, the least, or the most the pattern allows (boundary inputs).
 */
import type { Rng } from './rng.js';

type Node =
  | { t: 'chars'; set: string }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number };

const DIGITS = '0123456789';
const WORD = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ${DIGITS}_`;
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
/** Unbounded repetitions (`*`, `+`, `{n,}`) stop this far past their minimum. */
const OPEN_EXTRA = 4;

function escapeSet(c: string): string {
  if (c === 'd') return DIGITS;
  if (c === 'w') return WORD;
  if (c === 's') return ' ';
  return c;
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const n = this.alt();
    if (this.i < this.src.length) throw new Error(`regex-sample: unexpected "${this.src[this.i]}" in /${this.src}/`);
    return n;
  }

  private alt(): Node {
    const options = [this.seq()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.seq());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private seq(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      if (atom) items.push(this.quantified(atom));
    }
    return { t: 'seq', items };
  }

  private atom(): Node | null {
    const c = this.src[this.i++]!;
    if (c === '^' || c === '$') return null;
    if (c === '(') {
      if (this.src.startsWith('?:', this.i)) this.i += 2;
      const inner = this.alt();
      if (this.src[this.i++] !== ')') throw new Error(`regex-sample: unclosed group in /${this.src}/`);
      return inner;
    }
    if (c === '[') return this.klass();
    if (c === '\\') return { t: 'chars', set: escapeSet(this.src[this.i++]!) };
    if (c === '.') return { t: 'chars', set: WORD };
    return { t: 'chars', set: c };
  }

  private klass(): Node {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    let set = '';
    while (this.src[this.i] !== ']') {
      if (this.i >= this.src.length) throw new Error(`regex-sample: unclosed class in /${this.src}/`);
      const c = this.src[this.i++]!;
      if (c === '\\') {
        set += escapeSet(this.src[this.i++]!);
        continue;
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        let end = this.src[this.i++]!;
        if (end === '\\') end = this.src[this.i++]!;
        for (let k = c.charCodeAt(0); k <= end.charCodeAt(0); k++) set += String.fromCharCode(k);
        continue;
      }
      set += c;
    }
    this.i++;
    return { t: 'chars', set: negate ? [...PRINTABLE].filter((ch) => !set.includes(ch)).join('') : set };
  }

  private quantified(node: Node): Node {
    const c = this.src[this.i];
    let q: { min: number; max: number } | undefined;
    if (c === '*') q = { min: 0, max: OPEN_EXTRA };
    else if (c === '+') q = { min: 1, max: 1 + OPEN_EXTRA };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (m) {
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? min + OPEN_EXTRA : Number(m[3]);
        this.i += m[0].length - 1;
        q = { min, max };
      }
    }
    if (!q) return node;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy: same strings
    return { t: 'rep', node, ...q };
  }
}

const cache = new Map<string, Node>();

export type Reps = 'random' | 'min' | 'max';

/** A string matching `pattern` (a RegExp source). */
export function sampleRegex(pattern: string, rng: Rng, reps: Reps = 'random'): string {
  let ast = cache.get(pattern);
  if (!ast) cache.set(pattern, (ast = new Parser(pattern).parse()));
  return gen(ast, rng, reps);
}

function gen(n: Node, rng: Rng, reps: Reps): string {
  switch (n.t) {
    case 'chars':
      return n.set.length === 0 ? '' : n.set[rng.int(0, n.set.length - 1)]!;
    case 'seq':
      return n.items.map((x) => gen(x, rng, reps)).join('');
    case 'alt':
      return gen(rng.pick(n.options), rng, reps);
    case 'rep': {
      const k = reps === 'min' ? n.min : reps === 'max' ? n.max : rng.int(n.min, Math.min(n.max, n.min + 12));
      let s = '';
      for (let j = 0; j < k; j++) s += gen(n.node, rng, reps);
      return s;
    }
  }
}
