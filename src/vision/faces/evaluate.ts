/**
 * Face recognition accuracy from embeddings and identities: rank-1 leave-one-out identification (each face a
 * probe against all the others) and verification TAR at fixed FARs over every genuine and impostor pair.
 */
import { cosine } from './embedders.js';

export interface FaceEvalResult {
  readonly rank1: number;
  readonly tarAtFar1e3: number;
  readonly tarAtFar1e2: number;
  /** The cosine thresholds that give those FARs on this set. */
  readonly thresholdAtFar1e3: number;
  readonly thresholdAtFar1e2: number;
  readonly genuinePairs: number;
  readonly impostorPairs: number;
  readonly faces: number;
  readonly people: number;
  /** [cosine threshold, FAR] at FARs from 0.2 down to one impostor pair, thresholds ascending: what a list's threshold means. */
  readonly farCurve: ReadonlyArray<readonly [number, number]>;
}

/** The threshold at each of a ladder of FARs (the last: a single impostor pair above it). */
export function farCurve(impostor: readonly number[]): Array<[number, number]> {
  if (impostor.length === 0) return [];
  const ladder = [0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001].filter((f) => f * impostor.length >= 1);
  const pts = ladder.map((far) => [tarAtFar([], impostor, far).threshold, far] as [number, number]);
  const imp = [...impostor].sort((a, b) => b - a);
  pts.push([imp[0]!, 1 / impostor.length]);
  return pts.map(([t, f]) => [Math.round(t * 10_000) / 10_000, f] as [number, number]).sort((a, b) => a[0] - b[0]);
}

/**
 * TAR at `far`: the threshold t is the smallest one that lets at most far·|impostors| impostor pairs score above
 * it (score > t accepts); TAR is the share of genuine pairs above t.
 */
export function tarAtFar(genuine: readonly number[], impostor: readonly number[], far: number): { tar: number; threshold: number } {
  const imp = [...impostor].sort((a, b) => b - a);
  const k = Math.floor(far * imp.length);
  const threshold = imp.length === 0 ? -1 : imp[Math.min(k, imp.length - 1)]!;
  const tar = genuine.length === 0 ? 0 : genuine.filter((g) => g > threshold).length / genuine.length;
  return { tar, threshold };
}

export function evaluateEmbeddings(embeddings: readonly Float32Array[], identities: readonly string[]): FaceEvalResult {
  const n = embeddings.length;
  const sim = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sim[i * n + j] = sim[j * n + i] = cosine(embeddings[i]!, embeddings[j]!);
  const genuine: number[] = [];
  const impostor: number[] = [];
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let bestJ = -1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const s = sim[i * n + j]!;
      if (s > best) {
        best = s;
        bestJ = j;
      }
      if (j > i) (identities[i] === identities[j] ? genuine : impostor).push(s);
    }
    if (bestJ >= 0 && identities[bestJ] === identities[i]) correct++;
  }
  const a = tarAtFar(genuine, impostor, 1e-3);
  const b = tarAtFar(genuine, impostor, 1e-2);
  return {
    rank1: n === 0 ? 0 : correct / n,
    tarAtFar1e3: a.tar,
    tarAtFar1e2: b.tar,
    thresholdAtFar1e3: a.threshold,
    thresholdAtFar1e2: b.threshold,
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    faces: n,
    people: new Set(identities).size,
    farCurve: farCurve(impostor),
  };
}
