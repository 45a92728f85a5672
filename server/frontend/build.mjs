// Copy the built YASGUI editor into ../static/vendor/yasgui, with the licences of everything bundled in it.
// Run after `npm ci`:  cd server/frontend && npm ci && npm run build
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const modules = join(here, "node_modules");
const out = join(here, "..", "static", "vendor", "yasgui");
mkdirSync(out, { recursive: true });
for (const file of ["yasgui.min.js", "yasgui.min.css"]) {
  cpSync(join(modules, "@zazuko", "yasgui", "build", file), join(out, file));
}

// One notice file: name, version, licence and licence text of every installed package.
const packages = [];
for (const entry of readdirSync(modules)) {
  if (entry.startsWith(".")) continue;
  const dirs = entry.startsWith("@") ? readdirSync(join(modules, entry)).map((d) => join(entry, d)) : [entry];
  for (const dir of dirs) {
    const manifest = join(modules, dir, "package.json");
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, "utf8"));
    const licenceFile = readdirSync(join(modules, dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = licenceFile ? readFileSync(join(modules, dir, licenceFile), "utf8").trim() : "";
    packages.push(`${pkg.name} ${pkg.version} (${pkg.license || "see package"})\n` +
      `${pkg.repository?.url || pkg.homepage || ""}\n${text}`);
  }
}
packages.sort();
writeFileSync(join(out, "LICENSES.txt"),
  "The query editor YASGUI (@zazuko/yasgui, MIT) and the packages bundled into yasgui.min.js.\n" +
  "Built by server/frontend/build.mjs from server/frontend/package-lock.json.\n\n" +
  packages.join("\n\n" + "-".repeat(72) + "\n\n") + "\n");
console.log(`copied YASGUI and ${packages.length} licence notices to ${out}`);
