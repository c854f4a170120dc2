/**
 * Row-major single-precision matrix products, the only heavy kernels of the training stack (convolutions go
 * through im2col into them). Loop orders keep the innermost loop on contiguous memory, which is what makes
 * plain JavaScript fast enough here. Each adds into `c` (callers zero it when they want a fresh product).
 */

/** c[m×n] += a[m×k] · b[k×n] */
export function gemmNN(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, aOff = 0, bOff = 0, cOff = 0): void {
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    const ai = aOff + i * k;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p];
      if (av === 0) continue; // ReLU and padding make many zeros
      const bp = bOff + p * n;
      for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
    }
  }
}

/** c[m×n] += a[m×k] · b[n×k]ᵀ */
export function gemmNT(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, aOff = 0, bOff = 0, cOff = 0): void {
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * k;
    const ci = cOff + i * n;
    for (let j = 0; j < n; j++) {
      const bj = bOff + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      c[ci + j] += s;
    }
  }
}

/** c[m×n] += a[k×m]ᵀ · b[k×n] */
export function gemmTN(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, aOff = 0, bOff = 0, cOff = 0): void {
  for (let p = 0; p < k; p++) {
    const ap = aOff + p * m;
    const bp = bOff + p * n;
    for (let i = 0; i < m; i++) {
      const av = a[ap + i];
      if (av === 0) continue;
      const ci = cOff + i * n;
      for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
    }
  }
}
