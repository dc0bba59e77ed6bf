// A small, safe Markdown renderer: it builds DOM nodes and never parses
// HTML. Raw HTML in a document shows as the text it is; links keep only
// http(s), mailto and same-site addresses; images show as links (the page
// loads nothing from elsewhere). The subset: ATX headings, paragraphs,
// hard breaks, emphasis, strong, code spans, fenced and indented code,
// block quotes, nested ordered and unordered lists, pipe tables, thematic
// breaks, links and autolinks.

import { safeHref } from './dom.mjs';

const listItemRe = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)/;
const fenceRe = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const headingRe = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const hrRe = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const tableSepRe = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/**
 * render returns a DocumentFragment for the Markdown text. headingOffset
 * shifts heading levels (1 makes "#" an <h2>, below the page's own <h1>).
 */
export function render(markdown, { headingOffset = 1 } = {}) {
  const frag = document.createDocumentFragment();
  const lines = String(markdown ?? '').replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n');
  for (const node of blocks(lines, headingOffset, 0)) frag.append(node);
  return frag;
}

function el(tag, children = []) {
  const e = document.createElement(tag);
  for (const c of children) e.append(c);
  return e;
}

function isBlank(line) {
  return line.trim() === '';
}

function startsBlock(line) {
  return fenceRe.test(line) || headingRe.test(line) || hrRe.test(line) || /^ {0,3}>/.test(line) || listItemRe.test(line);
}

function startsTable(lines, i) {
  return lines[i].includes('|') && i + 1 < lines.length && lines[i + 1].includes('-') && tableSepRe.test(lines[i + 1]);
}

function splitRow(line) {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (s[i] === '|') {
      cells.push(cur.trim());
      cur = '';
    } else {
      cur += s[i];
    }
  }
  cells.push(cur.trim());
  return cells;
}

function blocks(lines, offset, depth) {
  const out = [];
  if (depth > 12) {
    // Pathological nesting: the rest is text.
    out.push(el('p', [lines.join('\n')]));
    return out;
  }
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    let m;
    if ((m = fenceRe.exec(line))) {
      const fence = m[1];
      const lang = m[2].trim().split(/\s+/)[0];
      const body = [];
      i++;
      while (i < lines.length && !(lines[i].trim().startsWith(fence[0].repeat(fence.length)) && lines[i].trim().replace(new RegExp(`^\\${fence[0]}+`), '').trim() === '')) {
        body.push(lines[i]);
        i++;
      }
      i++;
      const code = el('code', [body.join('\n')]);
      if (lang && /^[\w+-]{1,30}$/.test(lang)) code.className = `language-${lang}`;
      out.push(el('pre', [code]));
      continue;
    }
    if (/^ {4}/.test(line)) {
      const body = [];
      while (i < lines.length && (/^ {4}/.test(lines[i]) || isBlank(lines[i]))) {
        body.push(lines[i].slice(4));
        i++;
      }
      while (body.length && isBlank(body[body.length - 1])) body.pop();
      out.push(el('pre', [el('code', [body.join('\n')])]));
      continue;
    }
    if ((m = headingRe.exec(line))) {
      const level = Math.min(6, m[1].length + offset);
      out.push(el(`h${level}`, inline(m[2] || '')));
      i++;
      continue;
    }
    if (hrRe.test(line)) {
      out.push(document.createElement('hr'));
      i++;
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      const body = [];
      while (i < lines.length && !isBlank(lines[i])) {
        body.push(lines[i].replace(/^ {0,3}> ?/, ''));
        i++;
      }
      out.push(el('blockquote', blocks(body, offset, depth + 1)));
      continue;
    }
    if ((m = listItemRe.exec(line))) {
      const [list, next] = parseList(lines, i, offset, depth);
      out.push(list);
      i = next;
      continue;
    }
    if (startsTable(lines, i)) {
      const head = splitRow(line);
      const aligns = splitRow(lines[i + 1]).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : ''));
      i += 2;
      const rows = [];
      while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|')) {
        rows.push(splitRow(lines[i]));
        i++;
      }
      const cell = (tag, text, col) => {
        const c = el(tag, inline(text));
        if (aligns[col]) c.className = `align-${aligns[col]}`;
        if (tag === 'th') c.setAttribute('scope', 'col');
        return c;
      };
      const thead = el('thead', [el('tr', head.map((c, k) => cell('th', c, k)))]);
      const tbody = el('tbody', rows.map((r) => el('tr', head.map((_, k) => cell('td', r[k] ?? '', k)))));
      const wrap = el('div', [el('table', [thead, tbody])]);
      wrap.className = 'table-wrap';
      out.push(wrap);
      continue;
    }
    const para = [];
    while (i < lines.length && !isBlank(lines[i]) && (para.length === 0 || !(startsBlock(lines[i]) || startsTable(lines, i)))) {
      para.push(lines[i]);
      i++;
    }
    out.push(el('p', inline(para.join('\n'))));
  }
  return out;
}

function parseList(lines, start, offset, depth) {
  const first = listItemRe.exec(lines[start]);
  const ordered = /\d/.test(first[2]);
  const list = document.createElement(ordered ? 'ol' : 'ul');
  if (ordered) {
    const n = parseInt(first[2], 10);
    if (n !== 1) list.setAttribute('start', String(n));
  }
  const items = [];
  let i = start;
  let loose = false;
  while (i < lines.length) {
    const m = listItemRe.exec(lines[i]);
    if (!m || /\d/.test(m[2]) !== ordered || m[1].length > first[1].length + 1) break;
    const sp = m[3].length;
    const indent = m[1].length + m[2].length + (sp >= 1 && sp <= 4 ? sp : 1);
    const body = [lines[i].slice(Math.min(indent, m[0].length))];
    i++;
    while (i < lines.length) {
      const l = lines[i];
      if (isBlank(l)) {
        // A blank line continues the item only if indented content follows.
        let j = i;
        while (j < lines.length && isBlank(lines[j])) j++;
        if (j < lines.length && lines[j].search(/\S/) >= indent) {
          loose = true;
          for (; i < j; i++) body.push('');
          continue;
        }
        break;
      }
      const lead = l.search(/\S/);
      if (lead >= indent) {
        body.push(l.slice(indent));
      } else if (listItemRe.test(l) || startsBlock(l)) {
        break;
      } else {
        body.push(l.trim()); // lazy continuation of the paragraph
      }
      i++;
    }
    items.push(body);
    // Blank lines between items make the list loose.
    let j = i;
    while (j < lines.length && isBlank(lines[j])) j++;
    if (j > i && j < lines.length) {
      const next = listItemRe.exec(lines[j]);
      if (next && /\d/.test(next[2]) === ordered && next[1].length <= first[1].length + 1) {
        loose = true;
        i = j;
        continue;
      }
      break;
    }
  }
  for (const body of items) {
    const li = document.createElement('li');
    const kids = blocks(body, offset, depth + 1);
    if (!loose) {
      // Tight list: a lone paragraph's text goes straight into the item.
      for (const k of kids) {
        if (k.tagName === 'P') li.append(...k.childNodes);
        else li.append(k);
      }
    } else {
      li.append(...kids);
    }
    list.append(li);
  }
  return [list, i];
}

const punct = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;

/** inline returns the nodes of one paragraph's text. */
export function inline(text, depth = 0) {
  const out = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push(document.createTextNode(buf));
    buf = '';
  };
  const s = text;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && punct.test(s[i + 1])) {
      buf += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '\\' && s[i + 1] === '\n') {
      flush();
      out.push(document.createElement('br'));
      i += 2;
      continue;
    }
    if (c === '\n') {
      if (/ {2,}$/.test(buf)) {
        buf = buf.replace(/ +$/, '');
        flush();
        out.push(document.createElement('br'));
      } else {
        buf += ' ';
      }
      i++;
      continue;
    }
    if (c === '`') {
      let n = 1;
      while (s[i + n] === '`') n++;
      const ticks = '`'.repeat(n);
      const end = s.indexOf(ticks, i + n);
      if (end > 0) {
        flush();
        let code = s.slice(i + n, end).replace(/\n/g, ' ');
        if (/^ .* $/.test(code)) code = code.slice(1, -1);
        out.push(el('code', [code]));
        i = end + n;
        continue;
      }
      buf += ticks;
      i += n;
      continue;
    }
    if (c === '<') {
      const m = /^<((?:https?|mailto):[^\s<>]+)>/i.exec(s.slice(i));
      if (m) {
        const href = safeHref(m[1]);
        if (href) {
          flush();
          out.push(link(href, [document.createTextNode(m[1])]));
          i += m[0].length;
          continue;
        }
      }
    }
    if ((c === '[' || (c === '!' && s[i + 1] === '[')) && depth < 8) {
      const image = c === '!';
      const m = matchLink(s, image ? i + 1 : i);
      if (m) {
        flush();
        const kids = image ? [document.createTextNode(m.label || m.url)] : inline(m.label, depth + 1);
        const href = safeHref(m.url);
        if (href) out.push(link(href, kids, m.title));
        else out.push(...kids);
        i = m.end;
        continue;
      }
    }
    if ((c === '*' || c === '_') && depth < 8) {
      const double = s[i + 1] === c;
      const d = double ? c + c : c;
      const prev = i > 0 ? s[i - 1] : ' ';
      const after = s[i + d.length];
      const leftFlanking = after !== undefined && !/\s/.test(after);
      const intraword = c === '_' && /[\p{L}\p{N}]/u.test(prev);
      if (leftFlanking && !intraword) {
        const end = findCloser(s, i + d.length, d, c);
        if (end > 0) {
          flush();
          out.push(el(double ? 'strong' : 'em', inline(s.slice(i + d.length, end), depth + 1)));
          i = end + d.length;
          continue;
        }
      }
      buf += d;
      i += d.length;
      continue;
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}

function findCloser(s, from, d, c) {
  for (let j = from; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '`') {
      const close = s.indexOf('`', j + 1);
      if (close > 0) j = close;
      continue;
    }
    if (s.startsWith(d, j) && !/\s/.test(s[j - 1])) {
      if (d.length === 1 && s[j + 1] === c) {
        // "**" inside "*…*": skip the pair.
        const inner = s.indexOf(c + c, j + 2);
        if (inner > 0) {
          j = inner + 1;
          continue;
        }
      }
      const next = s[j + d.length];
      if (c === '_' && next !== undefined && /[\p{L}\p{N}]/u.test(next)) continue;
      if (j > from) return j;
    }
  }
  return -1;
}

/** matchLink reads [label](url "title") at s[i] === '['. */
function matchLink(s, i) {
  let depth = 0;
  let j = i;
  for (; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
    } else if (s[j] === '[') {
      depth++;
    } else if (s[j] === ']') {
      depth--;
      if (depth === 0) break;
    }
  }
  if (depth !== 0 || s[j + 1] !== '(') return null;
  const label = s.slice(i + 1, j);
  const rest = s.slice(j + 2);
  const m = /^\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+("[^"]*"|'[^']*'))?\s*\)/.exec(rest);
  if (!m) return null;
  let url = m[1];
  if (url.startsWith('<')) url = url.slice(1, -1);
  const title = m[2] ? m[2].slice(1, -1) : '';
  return { label, url, title, end: j + 2 + m[0].length };
}

function link(href, kids, title) {
  const a = el('a', kids);
  a.setAttribute('href', href);
  if (title) a.setAttribute('title', title);
  if (!href.startsWith('/') && !href.startsWith('#')) {
    a.setAttribute('rel', 'noopener noreferrer nofollow');
    a.className = 'external';
  }
  return a;
}
