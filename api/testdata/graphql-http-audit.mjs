// Runs graphql-http's server audits (the GraphQL-over-HTTP spec checks)
// against the URL given as the first argument and prints one JSON array:
// [{id, name, status: "ok" | "notice" | "warn" | "error", reason}].
// "error" is a failed MUST, "warn" a failed SHOULD, "notice" a failed MAY.
// api/audit_test.go starts the real server and judges the result.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node graphql-http-audit.mjs URL');
  process.exit(2);
}
const results = [];
for (const audit of serverAudits({ url })) {
  const r = await audit.fn();
  results.push({
    id: r.id,
    name: r.name,
    status: r.status,
    reason: r.status === 'ok' ? '' : r.reason,
  });
}
process.stdout.write(JSON.stringify(results));
