// The GraphQL client: POST /graphql with the token kept in sessionStorage.
// Every failure becomes an ApiError whose `kind` the pages turn into a
// message; nothing else is thrown.

const TOKEN_KEY = 'maillage.token';
const ENDPOINT = '/graphql';

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage refused (private mode): the token lives for this page only
  }
  memoryToken = token;
  window.dispatchEvent(new CustomEvent('maillage:token'));
}

let memoryToken = null;

/**
 * kind is one of: network, unauthenticated (a bad token), signin (no token,
 * and one is needed), forbidden, notfound, badinput,
 * ratelimited, overloaded, timeout, unavailable (a field this server does
 * not have), server, other (a refusal whose message says why), aborted.
 */
export class ApiError extends Error {
  constructor(kind, message, { code, requestId, retryAfter, status } = {}) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.code = code;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
    this.status = status;
  }
}

const kindOfCode = {
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'notfound',
  BAD_USER_INPUT: 'badinput',
  RATE_LIMITED: 'ratelimited',
  OVERLOADED: 'overloaded',
  TIMEOUT: 'timeout',
  GRAPHQL_VALIDATION_FAILED: 'unavailable',
  INTERNAL: 'server',
};

function errorFrom(e, status, retryAfter) {
  const code = e?.extensions?.code;
  let kind = kindOfCode[code] || (status >= 500 ? 'server' : 'other');
  if (code === 'GRAPHQL_VALIDATION_FAILED' && !/Cannot query field|Unknown (type|argument)/.test(e.message || '')) {
    kind = 'server';
  }
  return new ApiError(kind, e?.message || `HTTP ${status}`, {
    code,
    requestId: e?.extensions?.requestId,
    retryAfter,
    status,
  });
}

/**
 * fetchBlob reads a file of the API (a media, a download) with the token:
 * the token goes in the Authorization header, never in an address that a
 * media element or an image could load on its own.
 */
export async function fetchBlob(url, { signal } = {}) {
  const tok = memoryToken ?? getToken();
  let res;
  try {
    res = await fetch(url, { headers: tok ? { Authorization: `Bearer ${tok}` } : {}, signal });
  } catch (err) {
    if (err?.name === 'AbortError') throw new ApiError('aborted', 'aborted');
    throw new ApiError('network', String(err?.message || err));
  }
  if (!res.ok) {
    let e = null;
    try {
      e = (await res.json())?.errors?.[0];
    } catch {
      // not JSON
    }
    const err = errorFrom(e || { message: `HTTP ${res.status}` }, res.status, Number(res.headers.get('Retry-After')) || undefined);
    if (res.status === 401) err.kind = tok ? 'unauthenticated' : 'signin';
    if (res.status === 403) err.kind = 'forbidden';
    if (res.status === 404) err.kind = 'notfound';
    throw err;
  }
  try {
    return await res.blob();
  } catch (err) {
    if (err?.name === 'AbortError') throw new ApiError('aborted', 'aborted');
    throw new ApiError('network', String(err?.message || err));
  }
}

/**
 * download fetches a file of the API with the token and saves it.
 */
export async function download(url, filename) {
  const blob = await fetchBlob(url);
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}

/**
 * gql runs a query and returns its data. With {partial: true} it returns
 * {data, errors} when the server answered with data and errors both.
 */
export async function gql(query, variables = {}, { signal, partial = false, token } = {}) {
  return send(JSON.stringify({ query, variables }), { 'Content-Type': 'application/json' }, { signal, partial, token });
}

/**
 * upload runs a mutation that takes files, as the GraphQL multipart
 * request spec says: the operation with null where the files go, a map
 * from each file part to its variable path, then the files. files maps a
 * variable path (variables.input.file) to a File; empty ones are left out.
 */
export async function upload(query, variables, files, { signal } = {}) {
  const parts = Object.entries(files).filter(([, f]) => f);
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables }));
  form.append('map', JSON.stringify(Object.fromEntries(parts.map(([path], i) => [String(i), [path]]))));
  parts.forEach(([, f], i) => form.append(String(i), f, f.name));
  // No Content-Type: the browser writes multipart/form-data with its boundary.
  return send(form, {}, { signal });
}

async function send(payload, extraHeaders, { signal, partial = false, token } = {}) {
  const headers = {
    ...extraHeaders,
    // Plain JSON: GraphQL errors then come back with 200 and their codes,
    // rather than as 400s the browser logs as failed loads.
    Accept: 'application/json',
  };
  const tok = token ?? (memoryToken ?? getToken());
  if (tok) headers.Authorization = `Bearer ${tok}`;
  let res;
  try {
    res = await fetch(ENDPOINT, { method: 'POST', headers, body: payload, signal });
  } catch (err) {
    if (err?.name === 'AbortError') throw new ApiError('aborted', 'aborted');
    throw new ApiError('network', String(err?.message || err));
  }
  const retryAfter = Number(res.headers.get('Retry-After')) || undefined;
  let body = null;
  try {
    body = await res.json();
  } catch (err) {
    if (err?.name === 'AbortError') throw new ApiError('aborted', 'aborted');
    throw new ApiError(res.status >= 500 ? 'server' : 'network', `HTTP ${res.status}`, { status: res.status });
  }
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  if (errors.length && (!partial || !body?.data)) {
    const err = errorFrom(errors[0], res.status, retryAfter);
    if (err.kind === 'unauthenticated') {
      // Without a token, UNAUTHENTICATED means "sign in"; with one, the
      // token is bad (invalid, revoked, expired).
      if (tok) window.dispatchEvent(new CustomEvent('maillage:unauthenticated'));
      else err.kind = 'signin';
    }
    throw err;
  }
  if (!body || typeof body !== 'object' || !('data' in body)) {
    throw new ApiError('server', `HTTP ${res.status}`, { status: res.status });
  }
  return partial ? { data: body.data, errors } : body.data;
}

let dimensionsPromise = null;

/** standpointDimensions is fetched once per page load. */
export function standpointDimensions() {
  if (!dimensionsPromise) {
    dimensionsPromise = gql(`query Dimensions {
      standpointDimensions { id labels { fr en } descriptions { fr en } values { id labels { fr en } } }
    }`).then((d) => d.standpointDimensions).catch((err) => {
      dimensionsPromise = null;
      throw err;
    });
  }
  return dimensionsPromise;
}
