// Shared pieces of the pages: links, badges, dates, messages.

import { h } from './dom.mjs';
import { t, lang } from './i18n.mjs';
import { setToken } from './api.mjs';

export const BASE = '/explore/';

export function nodeHref(id) {
  return `${BASE}node/${encodeURIComponent(id)}`;
}

export function graphHref(id) {
  return `${BASE}graph/${encodeURIComponent(id)}`;
}

/** nodeLink is a link to an object's page. */
export function nodeLink(id, text, attrs = {}) {
  return h('a', { href: nodeHref(id), ...attrs }, text);
}

export function kindLabel(kind) {
  return t(`kind.${kind}`);
}

export function kindBadge(kind) {
  return h('span', { class: `badge kind-${String(kind).toLowerCase()}` }, kindLabel(kind));
}

export function languageName(tag) {
  const key = `language.${tag}`;
  const s = t(key);
  if (s !== key) return s;
  try {
    return new Intl.DisplayNames([lang()], { type: 'language' }).of(tag) || tag;
  } catch {
    return tag;
  }
}

export function formatDate(iso, withTime = false) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts = withTime ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'long' };
  return new Intl.DateTimeFormat(lang() === 'fr' ? 'fr-CA' : 'en-CA', opts).format(d);
}

export function time(iso, withTime = false) {
  return h('time', { datetime: iso }, formatDate(iso, withTime));
}

export function formatNumber(n) {
  return new Intl.NumberFormat(lang() === 'fr' ? 'fr-CA' : 'en-CA').format(n);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('loading'));
}

/**
 * errorBox explains an ApiError (or anything thrown) in words, with what
 * the reader can do about it. Never a stack trace.
 */
export function errorBox(err, { retry, notFound } = {}) {
  const kind = err?.kind || 'page';
  let title;
  let detail;
  const actions = [];
  switch (kind) {
    case 'notfound':
      title = notFound?.title || t('error.notfound.title');
      detail = notFound?.detail || t('error.notfound.detail');
      break;
    case 'badinput':
      title = t('error.badinput.title');
      detail = err.message;
      break;
    case 'unauthenticated':
      title = t('error.token.title');
      detail = t('error.token.detail');
      actions.push(h('button', { type: 'button', onclick: () => setToken('') }, t('token.clear')));
      break;
    case 'signin':
      title = t('error.signin.title');
      detail = t('error.signin.detail');
      actions.push(h('button', { type: 'button', onclick: () => window.dispatchEvent(new CustomEvent('maillage:open-token')) }, t('token.open')));
      break;
    case 'forbidden':
      title = t('error.forbidden.title');
      detail = t('error.forbidden.detail');
      break;
    case 'network':
      title = t('error.network.title');
      detail = t('error.network.detail');
      break;
    case 'ratelimited':
    case 'overloaded':
      title = t(`error.${kind}.title`);
      detail = err.retryAfter ? t('error.retryAfter', { n: err.retryAfter }) : t('error.retryLater');
      break;
    case 'timeout':
      title = t('error.timeout.title');
      detail = t('error.timeout.detail');
      break;
    case 'unavailable':
      title = t('error.unavailable.title');
      detail = t('error.unavailable.detail');
      break;
    case 'other':
      title = t('error.other.title');
      detail = err.message;
      break;
    case 'server':
      title = t('error.server.title');
      detail = t('error.server.detail');
      break;
    default:
      title = t('error.page.title');
      detail = t('error.page.detail');
  }
  if (retry && kind !== 'notfound' && kind !== 'badinput' && kind !== 'unavailable') {
    actions.push(h('button', { type: 'button', onclick: retry }, t('retry')));
  }
  return h(
    'div',
    { class: `message error error-${kind}`, role: 'alert' },
    h('p', { class: 'message-title' }, title),
    detail && h('p', {}, detail),
    err?.requestId && h('p', { class: 'muted' }, t('error.reference', { id: err.requestId })),
    actions.length > 0 && h('p', { class: 'actions' }, actions),
  );
}

/** notice is a neutral message (no results, nothing to show). */
export function notice(title, detail) {
  return h('div', { class: 'message', role: 'status' }, h('p', { class: 'message-title' }, title), detail && h('p', {}, detail));
}

/** focusHeading moves focus to a page's heading after navigation. */
export function focusHeading(root) {
  const heading = root.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

/** truncate shortens a label for small places (graph nodes). */
export function truncate(s, n) {
  const str = String(s ?? '');
  return str.length > n ? `${str.slice(0, n - 1)}…` : str;
}
