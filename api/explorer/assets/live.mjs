// A minimal client of the graphql-transport-ws protocol (the one the
// server speaks at /graphql for subscriptions): one socket per
// subscription, which is all a page needs, so no third-party library.
//
//   connection_init (token in the payload: browsers cannot set headers on a
//   WebSocket) → connection_ack → subscribe → next… / error / complete,
//   answering the server's ping with pong.

const PROTOCOL = 'graphql-transport-ws';

// Close codes after which trying again cannot help: a refused token
// (4403), too many failed sign-ins (4429), a protocol the server does not
// speak (4406), a message it did not understand (4400).
const FINAL = new Set([4400, 4403, 4406, 4429]);

// A few attempts only: a page left open on a server that went away should
// not knock on it forever; the reader can still reload the page.
const RETRIES = 4;
const BACKOFF_MS = 1000;

function socketURL() {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
}

/**
 * subscribe runs one subscription until signal aborts, the server completes
 * it, or it fails. onNext gets each payload ({data, errors}); onEnd gets
 * null when the server completed the subscription, or {code, message} when
 * it failed for good (a GraphQL error's extensions.code, or the close code
 * as a string). onState gets 'connecting', 'subscribed' or 'closed'.
 * getToken is called at each (re)connection, so a changed token is used.
 */
export function subscribe({ query, operationName, variables, getToken, signal, onNext, onEnd = () => {}, onState = () => {} }) {
  let ws = null;
  let attempt = 0;
  let done = false;
  let timer = null;

  const finish = (reason) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (ws) {
      ws.onclose = null;
      if (ws.readyState === WebSocket.OPEN) {
        // Completing first lets the server release the subscription at once.
        try {
          ws.send(JSON.stringify({ id: '1', type: 'complete' }));
        } catch {
          // already closing
        }
      }
      ws.close(1000);
    }
    onState('closed');
    if (reason !== undefined) onEnd(reason);
  };

  const connect = () => {
    if (done) return;
    onState('connecting');
    try {
      ws = new WebSocket(socketURL(), PROTOCOL);
    } catch (err) {
      finish({ code: 'network', message: String(err?.message || err) });
      return;
    }
    ws.onopen = () => {
      const tok = getToken ? getToken() : '';
      ws.send(JSON.stringify({ type: 'connection_init', payload: tok ? { authorization: `Bearer ${tok}` } : {} }));
    };
    ws.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      switch (msg?.type) {
        case 'connection_ack':
          attempt = 0;
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, operationName, variables } }));
          onState('subscribed');
          break;
        case 'ping':
          ws.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'next':
          if (msg.id === '1' && msg.payload) onNext(msg.payload);
          break;
        case 'error': {
          const first = Array.isArray(msg.payload) ? msg.payload[0] : null;
          finish({ code: first?.extensions?.code || 'ERROR', message: first?.message || '' });
          break;
        }
        case 'complete':
          if (msg.id === '1') finish(null);
          break;
        default:
          // pong and anything newer: nothing to do
      }
    };
    ws.onclose = (e) => {
      ws = null;
      if (done) return;
      if (FINAL.has(e.code) || attempt >= RETRIES) {
        finish({ code: String(e.code), message: e.reason || '' });
        return;
      }
      onState('connecting');
      timer = setTimeout(connect, BACKOFF_MS * 2 ** attempt);
      attempt++;
    };
  };

  if (signal?.aborted) return;
  signal?.addEventListener('abort', () => finish(), { once: true });
  connect();
}
