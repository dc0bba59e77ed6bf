// Runs the reference graphql-ws client against the server, for
// api/subscriptions_client_test.go: node --experimental-websocket
// graphql-ws-client.mjs URL TOKEN NOTE_ID. Prints one JSON line per thing
// the client saw.
import { createClient } from 'graphql-ws';

const [url, token, noteId] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const codes = (errors) => (Array.isArray(errors) ? errors : [errors]).map((e) => e?.extensions?.code ?? String(e));

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  // The test wants the first close reported, not retried.
  retryAttempts: 0,
  connectionParams: { authorization: `Bearer ${token}` },
  on: { connected: () => out({ on: 'connected' }) },
});

// An id of the wrong shape: the subscription fails with a code.
try {
  for await (const r of client.iterate({
    query: 'subscription($id: ID!) { documentChanged(id: $id) { kind } }',
    variables: { id: 'pas-un-identifiant' },
  })) {
    out({ on: 'bad-id', codes: codes(r.errors ?? []) });
  }
} catch (err) {
  out({ on: 'bad-id', codes: codes(err) });
}

try {
  out({ on: 'subscribed' });
  for await (const r of client.iterate({
    query: 'subscription($id: ID!) { documentChanged(id: $id) { kind document { title } } }',
    variables: { id: noteId },
  })) {
    out({ on: 'next', kind: r.data?.documentChanged?.kind, title: r.data?.documentChanged?.document?.title, errors: r.errors });
  }
  out({ on: 'complete' });
} catch (err) {
  out({ on: 'closed', code: err?.code, reason: err?.reason });
}
await client.dispose();
