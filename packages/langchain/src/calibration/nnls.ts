/**
 * Non-negative least squares on the normal equations (Lawson and Hanson's active set, in the
 * form of Bro and De Jong): the `x >= 0` minimising `x'Gx/2 - h'x`, for a symmetric positive
 * definite `G` (`d x d`, row-major) and `h` (length `d`). Small systems only: the calibration's
 * handful of terms.
 *
 * @example
 * ```ts
 * nnls([1, 0, 0, 1], [2, -1], 2); // Float64Array [2, 0]
 * ```
 */
export function nnls(gram: ArrayLike<number>, h: ArrayLike<number>, d: number): Float64Array {
  const x = new Float64Array(d);
  const passive = new Array<boolean>(d).fill(false);
  const tolerance = 1e-12 * Math.max(1, ...Array.from(h, Math.abs));
  for (let outer = 0; outer < 3 * d; outer++) {
    const gradient = residualGradient(gram, h, x, d);
    let best = -1;
    for (let j = 0; j < d; j++) if (!passive[j] && gradient[j]! > tolerance && (best < 0 || gradient[j]! > gradient[best]!)) best = j;
    if (best < 0) break;
    passive[best] = true;
    for (let inner = 0; inner < 3 * d; inner++) {
      const s = solvePassive(gram, h, passive, d);
      let alpha = 1;
      let blocked = false;
      for (let j = 0; j < d; j++) {
        if (passive[j] && s[j]! <= 0) {
          blocked = true;
          const step = x[j]! / (x[j]! - s[j]!);
          if (step < alpha) alpha = step;
        }
      }
      if (!blocked) {
        x.set(s);
        break;
      }
      for (let j = 0; j < d; j++) {
        x[j] = x[j]! + alpha * (s[j]! - x[j]!);
        if (passive[j] && x[j]! <= 1e-15) {
          passive[j] = false;
          x[j] = 0;
        }
      }
    }
  }
  return x;
}

/** `h - Gx`: the descent direction of each variable. */
function residualGradient(gram: ArrayLike<number>, h: ArrayLike<number>, x: Float64Array, d: number): Float64Array {
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = h[i]!;
    for (let j = 0; j < d; j++) sum -= gram[i * d + j]! * x[j]!;
    w[i] = sum;
  }
  return w;
}

/** The unconstrained solution over the passive variables (the others 0). */
function solvePassive(gram: ArrayLike<number>, h: ArrayLike<number>, passive: boolean[], d: number): Float64Array {
  const index: number[] = [];
  for (let j = 0; j < d; j++) if (passive[j]) index.push(j);
  const sub = new Float64Array(index.length * index.length);
  for (const [a, i] of index.entries()) for (const [b, j] of index.entries()) sub[a * index.length + b] = gram[i * d + j]!;
  const solved = solve(
    sub,
    index.map((i) => h[i]!),
    index.length,
  );
  const s = new Float64Array(d);
  for (const [a, i] of index.entries()) s[i] = solved[a]!;
  return s;
}

/** Solves `A x = b` by Gaussian elimination with partial pivoting; a singular pivot counts as 0. */
export function solve(matrix: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = row;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[col * n + k]!];
      [x[col], x[pivot]] = [x[pivot]!, x[col]!];
    }
    const p = a[col * n + col]!;
    if (Math.abs(p) < 1e-300) continue;
    for (let row = col + 1; row < n; row++) {
      const factor = a[row * n + col]! / p;
      if (factor === 0) continue;
      for (let k = col; k < n; k++) a[row * n + k] = a[row * n + k]! - factor * a[col * n + k]!;
      x[row] = x[row]! - factor * x[col]!;
    }
  }
  for (let row = n - 1; row >= 0; row--) {
    let sum = x[row]!;
    for (let k = row + 1; k < n; k++) sum -= a[row * n + k]! * x[k]!;
    const p = a[row * n + row]!;
    x[row] = Math.abs(p) < 1e-300 ? 0 : sum / p;
  }
  return x;
}

/** The inverse of a symmetric positive definite matrix (row-major), column by column. */
export function inverse(matrix: ArrayLike<number>, n: number): Float64Array {
  const result = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    const unit = new Float64Array(n);
    unit[col] = 1;
    const column = solve(matrix, unit, n);
    for (let row = 0; row < n; row++) result[row * n + col] = column[row]!;
  }
  return result;
}
