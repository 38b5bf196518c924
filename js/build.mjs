// Bundle the widget, the room and the classroom grid into src/ipyinterview/static/ with esbuild.
import * as esbuild from "esbuild";

const outdir = "../src/ipyinterview/static";
const options = {
  entryPoints: {
    widget: "widget/index.js",
    room: "room/main.js",
    classroom: "classroom/index.js",
  },
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  outdir,
  logLevel: "info",
  loader: { ".css": "css" },
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
