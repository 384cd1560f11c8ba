// Validates Kubernetes manifests offline against the API schemas that the npm packages kubernetes-models,
// @kubernetes-models/cert-manager and @kubernetes-models/prometheus-operator ship (JSON Schemas generated from the
// Kubernetes OpenAPI spec and from the CRDs). Used by .ci/run on each `kubectl kustomize` rendering of
// deploy/kubernetes and on the plain manifests there and in deploy/knative (Knative's own Service excepted: no
// package ships its schema).
//   node src/test/node/validate-kubernetes.mjs FILE...    (a file may be "-" for standard input)
// Prints one line per object; exits 1 if any object fails its schema or has a kind no package knows.
// What the schemas catch: wrong types, missing required fields, values outside an enum. What they do not: a
// misspelt field name (the generated schemas allow unknown properties), which only an API server's strict
// validation (kubectl apply --dry-run=server) would refuse.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const PACKAGES = ["kubernetes-models", "@kubernetes-models/cert-manager", "@kubernetes-models/prometheus-operator"];
/** Kinds no package here has a schema for: listed, never silently passed. */
const UNCHECKED = new Set(["serving.knative.dev/v1 Service"]);

async function modelFor(apiVersion, kind) {
  for (const pkg of PACKAGES) {
    const file = join(here, "node_modules", pkg, apiVersion, kind + ".js");
    if (existsSync(file)) {
      const module = await import(file);
      return module[kind] ?? module.default;
    }
  }
  return undefined;
}

let failures = 0;
let checked = 0;
for (const name of process.argv.slice(2)) {
  const text = readFileSync(name === "-" ? 0 : name, "utf8");
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      console.log(`FAIL ${name}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      failures++;
      continue;
    }
    const object = doc.toJS();
    if (object == null) {
      continue;
    }
    const id = `${object.apiVersion} ${object.kind} ${object.metadata?.name ?? "?"}`;
    if (UNCHECKED.has(`${object.apiVersion} ${object.kind}`)) {
      console.log(`skip ${name}: ${id} (no schema package for this kind)`);
      continue;
    }
    const Model = await modelFor(object.apiVersion, object.kind);
    if (!Model) {
      console.log(`FAIL ${name}: ${id}: no schema for this apiVersion and kind`);
      failures++;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`ok   ${name}: ${id}`);
      checked++;
    } catch (e) {
      console.log(`FAIL ${name}: ${id}: ${e.message}`);
      failures++;
    }
  }
}
console.log(`${checked} objects valid, ${failures} failed`);
process.exit(failures || checked === 0 ? 1 : 0);
