// Validates Kubernetes manifests against the API's own schemas (the kubernetes-models package,
// generated from Kubernetes' OpenAPI spec, validating with ajv), without a cluster:
//   npm install --prefix DIR kubernetes-models@5.1.0 js-yaml@4
//   node deploy/kubernetes/check.mjs DIR/node_modules deploy/kubernetes/*.yaml
// Prints a line per object and exits 1 if one is invalid or of a kind the package does not know.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
const load = path => import(pathToFileURL(join(modules, path)).href);
const yaml = await load("js-yaml/dist/js-yaml.mjs");

let failed = false;
for (const file of files) {
  for (const object of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (object === null) continue;
    const where = `${file}: ${object.kind} ${object.metadata?.name}`;
    let Model;
    try {
      Model = (await load(`kubernetes-models/${object.apiVersion}/index.js`))[object.kind];
    } catch (e) {
      Model = undefined;
    }
    if (Model === undefined) {
      console.log(`${where}: unknown kind ${object.apiVersion} ${object.kind}`);
      failed = true;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`${where}: valid`);
    } catch (e) {
      console.log(`${where}: ${e.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
