import { Resvg } from '@resvg/resvg-js';
import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import type { VegaLiteSpec } from './chart-specs';

/**
 * Renders a vega-lite spec to SVG headlessly: vega's `View.toSVG()` needs no canvas and no native build,
 * so it works on any machine that can run Node.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vegaSpec = compile(spec as never).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG at `scale` (2 = sharp on high-density screens) with resvg (prebuilt, no build step). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
