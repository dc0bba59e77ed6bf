// The explorer's shell: routes, header (navigation, language, token) and
// the safety net that turns any failure into a message on the page.

import { h, replace } from './dom.mjs';
import { t, lang, setLang } from './i18n.mjs';
import { gql, getToken, setToken } from './api.mjs';
import { BASE, errorBox, focusHeading } from './ui.mjs';
// The curator's workspace (curation, edit, history).
import * as curationView from './views/curation.mjs';
import * as editView from './views/edit.mjs';
import * as historyView from './views/history.mjs';
import { navItem as curationNavItem } from './curator.mjs';
import * as searchView from './views/search.mjs';
import * as nodeView from './views/node.mjs';
import * as graphView from './views/graph.mjs';
import * as pathView from './views/path.mjs';
import * as coverageView from './views/coverage.mjs';
import * as networkView from './views/network.mjs';
import * as notFoundView from './views/notfound.mjs';
import { loadDemoAccounts, demoBar } from './demo.mjs';

const routes = [
  { name: 'search', re: /^$/, view: searchView },
  { name: 'node', re: /^node\/([^/]+)$/, view: nodeView },
  { name: 'graph', re: /^graph\/([^/]+)$/, view: graphView },
  { name: 'path', re: /^path$/, view: pathView },
  { name: 'coverage', re: /^coverage$/, view: coverageView },
  { name: 'network', re: /^network$/, view: networkView },
  { name: 'curation', re: /^curation$/, view: curationView },
  { name: 'edit', re: /^edit\/([^/]+)$/, view: editView },
  { name: 'history', re: /^history\/([^/]+)$/, view: historyView },
];

function match(url) {
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length).replace(/\/$/, '') : null;
  if (path !== null) {
    for (const r of routes) {
      const m = r.re.exec(path);
      if (m) {
        let id = null;
        if (m[1]) {
          try {
            id = decodeURIComponent(m[1]);
          } catch {
            id = m[1];
          }
        }
        return { name: r.name, view: r.view, id, params: url.searchParams, url };
      }
    }
  }
  return { name: 'notfound', view: notFoundView, id: null, params: url.searchParams, url };
}

let main;
let current = null; // {route, controller}
let first = true; // the first page keeps the browser's focus at its start

/** navigate goes to a URL of the explorer; replace keeps the history entry. */
export function navigate(href, { replace: rep = false, state = null } = {}) {
  const url = new URL(href, location.href);
  if (rep) history.replaceState(state, '', url);
  else history.pushState(state, '', url);
  route();
}

function route() {
  const r = match(new URL(location.href));
  const ctx = {
    navigate,
    state: history.state,
    rerender: () => route(),
  };
  if (current && current.route.name === r.name && current.route.id === r.id && r.view.update && current.alive) {
    current.route = r;
    r.view.update(r, ctx);
    updateNav(r);
    return;
  }
  if (current) current.controller.abort();
  const controller = new AbortController();
  ctx.signal = controller.signal;
  current = { route: r, controller, alive: true };
  const me = current;
  const root = h('div', { class: `view view-${r.name}` });
  replace(main, root);
  updateNav(r);
  window.scrollTo(0, 0);
  Promise.resolve()
    .then(() => r.view.render(root, r, ctx))
    .then(() => {
      if (current === me && !ctx.keepFocus && !first) focusHeading(root);
      first = false;
    })
    .catch((err) => {
      if (err?.kind === 'aborted' || current !== me) return;
      me.alive = false;
      replace(root, h('h1', {}, t('error.page.heading')), errorBox(err, { retry: () => route() }));
      if (!first) focusHeading(root);
      first = false;
    });
}

function updateNav(r) {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.route === r.name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// ---------------------------------------------------------------- header

function renderHeader() {
  const header = document.getElementById('header');
  const navItem = (route, href, key) => h('li', {}, h('a', { href, 'data-route': route }, t(key)));
  const other = lang() === 'fr' ? 'en' : 'fr';
  replace(
    header,
    h('a', { class: 'skip', href: '#main' }, t('skip')),
    h('div', { class: 'bar' },
      h('a', { class: 'brand', href: BASE }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◇'), ' ', t('brand')),
      h('nav', { id: 'nav', 'aria-label': t('nav.label') },
        h('ul', {},
          navItem('search', BASE, 'nav.search'),
          navItem('path', `${BASE}path`, 'nav.path'),
          navItem('coverage', `${BASE}coverage`, 'nav.coverage'),
          navItem('network', `${BASE}network`, 'nav.network'),
          curationNavItem(),
        ),
      ),
      h('div', { class: 'tools' },
        h('button', {
          type: 'button', class: 'lang-switch', lang: other,
          'aria-label': t('lang.switch.label'),
          onclick: () => {
            setLang(other);
            document.title = t('brand');
            renderHeader();
            renderFooter();
            const keep = current;
            if (keep) keep.controller.abort();
            current = null;
            route();
          },
        }, t('lang.switch')),
        tokenPanel(),
      ),
    ),
    demoBar(pickDemo),
  );
  if (current) updateNav(current.route);
}

// pickDemo signs in as a demo account (serve --demo), or out, and shows
// the page again as that reader sees it.
function pickDemo(account) {
  setToken(account ? account.token : '');
  tokenStatus = account ? { kind: 'ok', text: t('token.as', { name: account.name }) } : { kind: 'none', text: t('token.cleared') };
  renderHeader();
  if (current) current.controller.abort();
  current = null;
  route();
  document.getElementById('demo-as')?.focus();
}

let tokenOpen = false;
let tokenStatus = null; // {kind: 'ok'|'error'|'none', text}

function tokenPanel() {
  const has = !!getToken();
  const panelId = 'token-panel';
  const status = h('p', { class: 'token-status', role: 'status' });
  const showStatus = () => {
    const s = tokenStatus || (has ? { kind: 'ok', text: t('token.set') } : { kind: 'none', text: t('token.none') });
    status.className = `token-status token-${s.kind}`;
    status.textContent = s.text;
  };
  showStatus();
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder: 'mlg_…' });
  const form = h('form', {
    class: 'token-form',
    onsubmit: async (e) => {
      e.preventDefault();
      const value = input.value.trim().replace(/^Bearer\s+/i, '');
      if (!value) return;
      tokenStatus = { kind: 'none', text: t('token.checking') };
      showStatus();
      try {
        const d = await gql(`query Viewer { viewer { id name } }`, {}, { token: value });
        setToken(value);
        tokenStatus = { kind: 'ok', text: d.viewer ? t('token.as', { name: d.viewer.name }) : t('token.set') };
      } catch (err) {
        tokenStatus = {
          kind: 'error',
          text: err.kind === 'unauthenticated' ? t('token.invalid') : t('token.checkFailed'),
        };
      }
      renderHeader();
      if (tokenStatus.kind === 'ok') route();
      document.getElementById('token-input')?.focus();
    },
  },
  h('label', { for: 'token-input' }, t('token.label')),
  h('p', { class: 'hint', id: 'token-hint' }, t('token.hint')),
  input,
  h('div', { class: 'actions' },
    h('button', { type: 'submit' }, t('token.save')),
    h('button', {
      type: 'button',
      disabled: !has,
      onclick: () => {
        setToken('');
        tokenStatus = { kind: 'none', text: t('token.cleared') };
        renderHeader();
        route();
        document.getElementById('token-toggle')?.focus();
      },
    }, t('token.clear')),
  ),
  status);
  input.setAttribute('aria-describedby', 'token-hint');
  const panel = h('div', { id: panelId, class: 'token-panel', hidden: !tokenOpen }, form);
  const toggle = h('button', {
    type: 'button', id: 'token-toggle', class: `token-toggle${has ? ' has-token' : ''}`,
    'aria-expanded': String(tokenOpen), 'aria-controls': panelId,
    onclick: () => {
      tokenOpen = !tokenOpen;
      toggle.setAttribute('aria-expanded', String(tokenOpen));
      panel.hidden = !tokenOpen;
      if (tokenOpen) input.focus();
    },
  }, has ? t('token.buttonSet') : t('token.button'));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      tokenOpen = false;
      panel.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
      toggle.focus();
    }
  });
  return h('div', { class: 'token' }, toggle, panel);
}

function renderFooter() {
  replace(
    document.getElementById('footer'),
    h('p', {}, t('footer.text'), ' ', h('a', { href: '/' }, t('footer.graphiql'))),
  );
}

// ---------------------------------------------------------------- safety net

function pageError() {
  const box = document.getElementById('page-error');
  if (!box || box.childElementCount) return;
  replace(box, h('div', { class: 'message error', role: 'alert' },
    h('p', { class: 'message-title' }, t('error.page.title')),
    h('p', {}, t('error.page.detail')),
    h('p', { class: 'actions' }, h('button', { type: 'button', onclick: () => location.reload() }, t('reload'))),
  ));
}

function start() {
  setLang(lang());
  document.title = t('brand');
  main = document.getElementById('main');
  window.addEventListener('error', pageError);
  window.addEventListener('unhandledrejection', (e) => {
    if (e.reason?.kind === 'aborted') return;
    pageError();
  });
  window.addEventListener('popstate', () => route());
  window.addEventListener('maillage:open-token', () => {
    tokenOpen = true;
    renderHeader();
    document.getElementById('token-input')?.focus();
  });
  window.addEventListener('maillage:unauthenticated', () => {
    tokenStatus = { kind: 'error', text: t('token.invalid') };
    renderHeader();
  });
  // Links inside the explorer change the page without reloading it.
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest?.('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    e.preventDefault();
    navigate(url.href);
  });
  renderHeader();
  renderFooter();
  route();
  loadDemoAccounts().then((on) => on && renderHeader());
}

start();
