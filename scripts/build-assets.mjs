// Builds the service's stylesheet from GOV.UK Frontend's Sass and copies its script.
// Output goes to src/together/static/build/, which is not committed.
import { cpSync, mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src", "together", "static", "build");
const frontend = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "src", "together", "assets", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), result.css);
copyFileSync(join(frontend, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
// The stylesheet refers to GOV.UK Frontend's images (not its fonts, which are left out).
cpSync(join(frontend, "assets", "images"), join(out, "assets", "images"), { recursive: true });
console.log(`assets built in ${out}`);
