// Bundle the front ends into src/ipyinterview/static/ with esbuild.
//
// - widget.js and classroom.js: single files (anywidget loads one module each).
// - room.js and whiteboard.js: the room page's modules, split into shared chunks;
//   the whiteboard (Excalidraw and React) loads only in design interviews, with
//   its fonts served locally (no CDN).
import { cp } from "node:fs/promises";
import * as esbuild from "esbuild";

const outdir = "../src/ipyinterview/static";
const common = {
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  outdir,
  logLevel: "info",
  loader: { ".css": "css" },
};
const builds = [
  { ...common, entryPoints: { widget: "widget/index.js", classroom: "classroom/index.js" } },
  {
    ...common,
    entryPoints: { room: "room/main.js", whiteboard: "room/whiteboard.js" },
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    conditions: ["production"],
    define: { "process.env.NODE_ENV": '"production"', "process.env.IS_PREACT": '"false"' },
    loader: { ".css": "css", ".woff2": "file", ".ttf": "file", ".png": "file", ".svg": "file" },
  },
];

async function copyFonts() {
  const fonts = "node_modules/@excalidraw/excalidraw/dist/prod/fonts";
  await cp(fonts, `${outdir}/excalidraw/fonts`, { recursive: true });
}

if (process.argv.includes("--watch")) {
  await copyFonts();
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all([...builds.map((options) => esbuild.build(options)), copyFonts()]);
}
