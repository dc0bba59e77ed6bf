// Lints Cypher statements with Neo4j's own parser and semantic analysis,
// the npm package @neo4j-cypher/language-support (pinned in the
// repository's package.json). graph/store/neo4j/lint_test.go runs it once for
// all the statements of the store.
//
// stdin:  {"schema": {labels, relationshipTypes, propertyKeys},
//          "statements": [{"name", "cypher", "params": {name: sample value}}]}
// stdout: [{"name", "diagnostics": [{"severity", "message", "line", "column"}]}]
//         in the order of the input; severity as in LSP: 1 error,
//         2 warning, 3 information, 4 hint.
//
// The semantic analysis (Neo4j's own, compiled to JavaScript) costs some
// 100 ms of CPU per statement, so the statements are shared among worker
// threads, one per core.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

function load() {
  const require = createRequire(import.meta.url);
  try {
    // The CommonJS build: the ESM build of the pinned version does not
    // resolve under Node's ESM loader.
    return require('@neo4j-cypher/language-support').lintCypherQuery;
  } catch (err) {
    process.stderr.write(`cannot load @neo4j-cypher/language-support (${err.message}): run \`npm ci\` at the repository root\n`);
    process.exit(3);
  }
}

function lintAll(lintCypherQuery, schema, statements) {
  return statements.map((st) => {
    const dbSchema = {
      labels: schema.labels,
      relationshipTypes: schema.relationshipTypes,
      propertyKeys: schema.propertyKeys,
      parameters: st.params,
      // The store targets Neo4j 5, whose default language is Cypher 5.
      defaultLanguage: 'CYPHER 5',
    };
    let result;
    try {
      result = lintCypherQuery(st.cypher, dbSchema);
    } catch (err) {
      return { name: st.name, diagnostics: [{ severity: 1, message: `linter crashed: ${err.message}`, line: 0, column: 0 }] };
    }
    // Older versions return the list, newer ones {diagnostics, symbolTables}.
    const diags = Array.isArray(result) ? result : result.diagnostics;
    return {
      name: st.name,
      diagnostics: diags.map((d) => ({
        severity: d.severity,
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
      })),
    };
  });
}

if (!isMainThread) {
  parentPort.postMessage(lintAll(load(), workerData.schema, workerData.statements));
} else {
  load(); // fail early, with the npm ci hint, before starting workers
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const n = Math.max(1, Math.min(availableParallelism(), 8, input.statements.length));
  // Deal statements round-robin so that every worker gets a share of the
  // long ones.
  const shares = Array.from({ length: n }, () => []);
  input.statements.forEach((st, i) => shares[i % n].push(st));
  const results = await Promise.all(shares.map((statements) => new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { schema: input.schema, statements } });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0) reject(new Error(`lint worker exited with ${code}`)); });
  })));
  const out = input.statements.map((_, i) => results[i % n][Math.floor(i / n)]);
  process.stdout.write(JSON.stringify(out));
}
