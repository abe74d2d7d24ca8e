// heatmap.js 2.0.5 ships no types; this declares the part of its API the viewer uses (see heatmap-js-loader.ts).
export interface HeatmapConfiguration {
  /** Element the canvas is appended to; the canvas takes its size. */
  container: HTMLElement;
  /** Radius of each point in px. */
  radius?: number;
  maxOpacity?: number;
  minOpacity?: number;
  blur?: number;
  gradient?: Record<string, string>;
}

export interface HeatmapData<P> {
  min?: number;
  max: number;
  data: P[];
}

export interface Heatmap<P> {
  setData(data: HeatmapData<P>): Heatmap<P>;
  repaint(): Heatmap<P>;
  _renderer: { canvas: HTMLCanvasElement };
}

export interface H337 {
  create<P = { x: number; y: number; value: number }>(config: HeatmapConfiguration): Heatmap<P>;
}
