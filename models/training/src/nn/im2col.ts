/** Geometry of a square-kernel, stride-1 convolution with symmetric zero padding. */
export interface ConvGeometry {
  channels: number;
  height: number;
  width: number;
  kernel: number;
  pad: number;
}

export function convOutputSize(g: ConvGeometry): { outHeight: number; outWidth: number } {
  return { outHeight: g.height + 2 * g.pad - g.kernel + 1, outWidth: g.width + 2 * g.pad - g.kernel + 1 };
}

/**
 * Unfolds one image [C, H, W] into columns [C·k·k, outH·outW] so the convolution becomes one matrix product
 * with the weights [outC, C·k·k]. Out-of-image taps read zero (the padding).
 */
export function im2col(x: Float32Array, xOff: number, g: ConvGeometry, col: Float32Array, colOff = 0): void {
  const { outHeight, outWidth } = convOutputSize(g);
  const plane = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < g.channels; c++) {
    for (let ki = 0; ki < g.kernel; ki++) {
      for (let kj = 0; kj < g.kernel; kj++, row++) {
        const base = colOff + row * plane;
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy + ki - g.pad;
          const dst = base + oy * outWidth;
          if (iy < 0 || iy >= g.height) {
            col.fill(0, dst, dst + outWidth);
            continue;
          }
          const src = xOff + (c * g.height + iy) * g.width;
          for (let ox = 0; ox < outWidth; ox++) {
            const ix = ox + kj - g.pad;
            col[dst + ox] = ix >= 0 && ix < g.width ? x[src + ix] : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds column gradients back onto the image gradient [C, H, W]. */
export function col2im(col: Float32Array, g: ConvGeometry, dx: Float32Array, dxOff: number): void {
  const { outHeight, outWidth } = convOutputSize(g);
  const plane = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < g.channels; c++) {
    for (let ki = 0; ki < g.kernel; ki++) {
      for (let kj = 0; kj < g.kernel; kj++, row++) {
        const base = row * plane;
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy + ki - g.pad;
          if (iy < 0 || iy >= g.height) continue;
          const dst = dxOff + (c * g.height + iy) * g.width;
          const src = base + oy * outWidth;
          for (let ox = 0; ox < outWidth; ox++) {
            const ix = ox + kj - g.pad;
            if (ix >= 0 && ix < g.width) dx[dst + ix] += col[src + ox];
          }
        }
      }
    }
  }
}
