// DOM helpers. Every text reaches the page as a text node or an attribute
// value: nothing here parses HTML, so nothing the API returns can inject
// markup or script.

/**
 * h('a', {href: '/x', class: 'c', onclick: fn}, 'text', child, [more]) builds
 * an element. Attributes starting with "on" become listeners; `false`,
 * `null` and `undefined` attributes and children are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = tag.includes(':')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.split(':')[1])
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'checked' || k === 'value' || k === 'selected' || k === 'disabled' || k === 'open') {
      el[k] = v;
    } else if (k === 'href') {
      el.setAttribute('href', safeHref(String(v)) ?? '#');
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/** append adds children (strings, nodes, nested arrays) to el. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** clear empties el and appends children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * safeHref returns url if it is http(s), mailto, or a path or fragment on
 * this site; null otherwise (javascript:, data:, vbscript:, …).
 */
export function safeHref(url) {
  const u = url.trim();
  if (u.startsWith('#') || (u.startsWith('/') && !u.startsWith('//'))) return u;
  try {
    const parsed = new URL(u);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'mailto:') return parsed.href;
  } catch {
    // not an absolute URL: refuse
  }
  return null;
}

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** decodeEntities turns HTML character references back into characters. */
export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    }
    return entities[e.toLowerCase()] ?? m;
  });
}

/**
 * highlight turns a search fragment (HTML-escaped text with <mark> around
 * the matches) into nodes: <mark> elements and text. Any other tag stays
 * visible text, so a fragment can never add markup of its own.
 */
export function highlight(fragment) {
  const out = [];
  let mark = null;
  for (const part of fragment.split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') {
      mark = document.createElement('mark');
      out.push(mark);
    } else if (part === '</mark>') {
      mark = null;
    } else if (part) {
      const text = document.createTextNode(decodeEntities(part));
      if (mark) mark.append(text);
      else out.push(text);
    }
  }
  return out;
}

/** debounce calls fn once ms have passed without another call. */
export function debounce(fn, ms) {
  let timer;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

let idCounter = 0;
/** uid returns a page-unique id for label/aria references. */
export function uid(prefix = 'x') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
