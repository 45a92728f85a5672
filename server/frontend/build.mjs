// Copy the built browser files into ../static/vendor/, each folder with the licences of everything bundled in it:
//   vendor/yasgui: the query editor (YASGUI);  vendor/vega: the charts (Vega, Vega-Lite, vega-embed).
// Run after `npm ci`:  cd server/frontend && npm ci && npm run build
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const modules = join(here, "node_modules");
const vendor = join(here, "..", "static", "vendor");

const bundles = [
  { folder: "yasgui", roots: ["@zazuko/yasgui"],
    files: { "@zazuko/yasgui/build/yasgui.min.js": "yasgui.min.js", "@zazuko/yasgui/build/yasgui.min.css": "yasgui.min.css" },
    about: "The query editor YASGUI (@zazuko/yasgui, MIT) and the packages bundled into yasgui.min.js." },
  { folder: "vega", roots: ["vega", "vega-lite", "vega-embed"],
    files: { "vega/build/vega.min.js": "vega.min.js", "vega-lite/build/vega-lite.min.js": "vega-lite.min.js",
             "vega-embed/build/vega-embed.min.js": "vega-embed.min.js" },
    about: "The charts: Vega, Vega-Lite and vega-embed (BSD-3-Clause) and the packages bundled into their .min.js files." },
];

function manifest(name) {
  const file = join(modules, name, "package.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
}

// Every package a root depends on, transitively (as installed: npm hoists them into node_modules/).
function closure(roots) {
  const seen = new Set();
  const todo = [...roots];
  while (todo.length) {
    const name = todo.pop();
    if (seen.has(name)) continue;
    const pkg = manifest(name);
    if (!pkg) continue;
    seen.add(name);
    todo.push(...Object.keys(pkg.dependencies || {}));
  }
  return [...seen].sort();
}

function notice(name) {
  const pkg = manifest(name);
  const dir = join(modules, name);
  const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = licenceFile ? readFileSync(join(dir, licenceFile), "utf8").trim() : "";
  return `${pkg.name} ${pkg.version} (${pkg.license || "see package"})\n${pkg.repository?.url || pkg.homepage || ""}\n${text}`;
}

for (const bundle of bundles) {
  const out = join(vendor, bundle.folder);
  mkdirSync(out, { recursive: true });
  for (const [from, to] of Object.entries(bundle.files)) cpSync(join(modules, from), join(out, to));
  const names = closure(bundle.roots);
  writeFileSync(join(out, "LICENSES.txt"),
    `${bundle.about}\nBuilt by server/frontend/build.mjs from server/frontend/package-lock.json.\n\n` +
    names.map(notice).join("\n\n" + "-".repeat(72) + "\n\n") + "\n");
  console.log(`copied ${bundle.folder} and ${names.length} licence notices to ${out}`);
}
