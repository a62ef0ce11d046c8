// Lint Cypher with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, pinned in package.json).
//
// stdin:  {"queries": [{"name": "...", "text": "...", "params": ["a", "b"]}],
//          "schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]}}
// stdout: {"functionsChecked": true, "results": [{"name": "...", "diagnostics": [
//            {"severity": 1, "message": "...", "line": 3, "column": 7}]}]}
//
// "Parameter $x is not defined." is dropped for declared parameters only.
// With `schema`, unknown labels, relationship types and property keys are
// reported (as warnings). Function calls are checked against Neo4j 5's
// built-in functions, as the package records them (its `testData`): a function
// only the embedded engine knows (label(), list_contains(), ...) is an error.
// Linting takes about a second per query, so queries are spread over worker threads.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

function neo4jFunctions() {
  const all = testData?.mockSchema?.functions?.['CYPHER 5'] ?? {};
  const builtIn = Object.fromEntries(Object.entries(all).filter(([, f]) => f.isBuiltIn));
  return Object.keys(builtIn).length > 0 ? builtIn : null;
}

function lintAll(queries, schema) {
  const functions = neo4jFunctions();
  const dbSchema = { ...(schema ?? {}) };
  if (functions) dbSchema.functions = { 'CYPHER 5': functions };
  return queries.map(({ name, text, params }) => {
    const declared = new Set(params ?? []);
    const { diagnostics } = lintCypherQuery(text, dbSchema);
    const kept = diagnostics.filter((d) => {
      const m = /^Parameter \$(\S+) is not defined\.$/.exec(d.message);
      return !(m && declared.has(m[1]));
    });
    return {
      name,
      diagnostics: kept.map((d) => ({
        severity: d.severity,
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
      })),
    };
  });
}

function inWorker(queries, schema) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { queries, schema } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

if (!isMainThread) {
  parentPort.postMessage(lintAll(workerData.queries, workerData.schema));
} else {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const queries = input.queries ?? [];
  const workers = Math.min(availableParallelism(), Math.ceil(queries.length / 3));
  let results;
  if (workers <= 1) {
    results = lintAll(queries, input.schema);
  } else {
    const shares = Array.from({ length: workers }, (_, i) => queries.filter((_, j) => j % workers === i));
    const parts = await Promise.all(shares.map((share) => inWorker(share, input.schema)));
    const byName = new Map(parts.flat().map((r) => [r.name, r]));
    results = queries.map((q) => byName.get(q.name));
  }
  const out = { functionsChecked: neo4jFunctions() !== null, results };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}
