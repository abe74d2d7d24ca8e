// Vite turns `?url` imports into the built asset's URL; only the one the viewer uses is declared.
declare module 'heatmap.js/build/heatmap.min.js?url' {
  const url: string;
  export default url;
}
