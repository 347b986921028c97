// Small dense linear algebra for the mean-field theory (n ≤ ~10). 2×2 and 3×3 inverses use gl-matrix
// (with plain double arrays as storage, so no Float32 rounding); larger sizes use Gauss–Jordan.
import { mat2, mat3 } from 'gl-matrix';
import { at, el, type Matrix } from './types.ts';

/** Thrown when a matrix that must be inverted is (numerically) singular. */
export class SingularMatrixError extends Error {
  constructor(message = 'matrix is singular') {
    super(message);
    this.name = 'SingularMatrixError';
  }
}

/** n×m matrix of zeros. */
export function zeros(n: number, m: number): Matrix {
  return Array.from({ length: n }, () => new Array<number>(m).fill(0));
}

/** n×n identity matrix. */
export function identity(n: number): Matrix {
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) out[i]![i] = 1;
  return out;
}

/** Deep copy of a matrix. */
export function cloneMatrix(a: Matrix): Matrix {
  return a.map((row) => row.slice());
}

/** Transpose Aᵀ. */
export function transpose(a: Matrix): Matrix {
  const n = a.length;
  const m = a[0]?.length ?? 0;
  const out = zeros(m, n);
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) out[k]![i] = at(a, i, k);
  return out;
}

/** Matrix product A·B (throws on a shape mismatch). */
export function matMul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const inner = a[0]?.length ?? 0;
  const m = b[0]?.length ?? 0;
  if (b.length !== inner) throw new RangeError(`matMul: ${n}×${inner} · ${b.length}×${m}`);
  const out = zeros(n, m);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let l = 0; l < inner; l++) s += at(a, i, l) * at(b, l, k);
      out[i]![k] = s;
    }
  return out;
}

/** Matrix–vector product A·v. */
export function matVec(a: Matrix, v: readonly number[]): number[] {
  return a.map((row) => {
    if (row.length !== v.length) throw new RangeError(`matVec: row length ${row.length} ≠ ${v.length}`);
    let s = 0;
    for (let k = 0; k < v.length; k++) s += el(row, k) * el(v, k);
    return s;
  });
}

/** Outer product u·vᵀ. */
export function outer(u: readonly number[], v: readonly number[]): Matrix {
  return u.map((x) => v.map((y) => x * y));
}

/** Elementwise A + s·B. */
export function addScaled(a: Matrix, b: Matrix, s = 1): Matrix {
  return a.map((row, i) => row.map((x, k) => x + s * at(b, i, k)));
}

/** Scalar multiple s·A. */
export function scale(a: Matrix, s: number): Matrix {
  return a.map((row) => row.map((x) => x * s));
}

/** Square diagonal matrix with the given diagonal. */
export function diag(d: readonly number[]): Matrix {
  const out = zeros(d.length, d.length);
  d.forEach((x, i) => (out[i]![i] = x));
  return out;
}

function assertSquare(a: Matrix): number {
  const n = a.length;
  for (const row of a) if (row.length !== n) throw new RangeError('expected a square matrix');
  return n;
}

/** Largest absolute entry (for relative singularity thresholds). */
function maxAbs(a: Matrix): number {
  let m = 0;
  for (const row of a) for (const x of row) m = Math.max(m, Math.abs(x));
  return m;
}

/** Determinant (closed form via gl-matrix for n ≤ 3, LU with partial pivoting otherwise). */
export function determinant(a: Matrix): number {
  const n = assertSquare(a);
  if (n === 0) return 1;
  if (n === 1) return at(a, 0, 0);
  // Row-major packing = gl-matrix's column-major view of Aᵀ; det(Aᵀ) = det(A).
  if (n === 2) return mat2.determinant(a.flat() as unknown as mat2);
  if (n === 3) return mat3.determinant(a.flat() as unknown as mat3);
  const m = cloneMatrix(a);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(at(m, r, c)) > Math.abs(at(m, piv, c))) piv = r;
    if (at(m, piv, c) === 0) return 0;
    if (piv !== c) {
      [m[piv], m[c]] = [m[c]!, m[piv]!];
      det = -det;
    }
    const p = at(m, c, c);
    det *= p;
    for (let r = c + 1; r < n; r++) {
      const f = at(m, r, c) / p;
      for (let k = c; k < n; k++) m[r]![k] = at(m, r, k) - f * at(m, c, k);
    }
  }
  return det;
}

/** True when |det A| is below relTol·(max|A_ik|)^n, i.e. A is numerically singular. */
export function isSingular(a: Matrix, relTol = 1e-12): boolean {
  const n = assertSquare(a);
  const s = maxAbs(a);
  if (s === 0) return true;
  return Math.abs(determinant(a)) <= relTol * Math.pow(s, n);
}

/** Inverse A⁻¹; throws SingularMatrixError when A is numerically singular. */
export function inverse(a: Matrix): Matrix {
  const n = assertSquare(a);
  if (isSingular(a)) throw new SingularMatrixError();
  if (n === 1) return [[1 / at(a, 0, 0)]];
  if (n === 2 || n === 3) {
    // gl-matrix reads the row-major packing as Aᵀ and returns (Aᵀ)⁻¹ = (A⁻¹)ᵀ, which unpacks
    // row-major as A⁻¹. Plain arrays as `out` keep double precision.
    const out = new Array<number>(n * n).fill(0);
    const ok =
      n === 2
        ? mat2.invert(out as unknown as mat2, a.flat() as unknown as mat2)
        : mat3.invert(out as unknown as mat3, a.flat() as unknown as mat3);
    if (ok === null) throw new SingularMatrixError();
    return Array.from({ length: n }, (_, i) => out.slice(i * n, i * n + n));
  }
  // Gauss–Jordan with partial pivoting.
  const m = a.map((row, i) => [...row, ...identity(n)[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(at(m, r, c)) > Math.abs(at(m, piv, c))) piv = r;
    [m[piv], m[c]] = [m[c]!, m[piv]!];
    const p = at(m, c, c);
    for (let k = 0; k < 2 * n; k++) m[c]![k] = at(m, c, k) / p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = at(m, r, c);
      if (f === 0) continue;
      for (let k = 0; k < 2 * n; k++) m[r]![k] = at(m, r, k) - f * at(m, c, k);
    }
  }
  return m.map((row) => row.slice(n));
}

/** Solution x of A·x = b (via the inverse; the systems here are tiny). */
export function solve(a: Matrix, b: readonly number[]): number[] {
  return matVec(inverse(a), b);
}
