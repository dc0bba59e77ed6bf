// Demo sign-in: on a server started with `maillage serve --demo` (on a
// loopback address), GET /demo/accounts lists one token per demo role,
// and the header offers them in a picker marked as demo-only. Any other
// server answers 404 and the picker never shows. The tokens are the
// server's to make and revoke: a restart makes new ones, and a stale one
// is answered 401 like any revoked token.

import { h } from './dom.mjs';
import { t } from './i18n.mjs';
import { getToken } from './api.mjs';

const ENDPOINT = '/demo/accounts';

let accounts = [];

/** loadDemoAccounts asks the server once; the picker stays empty on any failure. */
export async function loadDemoAccounts() {
  try {
    const res = await fetch(ENDPOINT, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return false;
    const body = await res.json();
    if (!body?.demo || !Array.isArray(body.accounts)) return false;
    accounts = body.accounts.filter((a) => a && typeof a.token === 'string' && typeof a.name === 'string');
    return accounts.length > 0;
  } catch {
    return false;
  }
}

/** demoAccountOf returns the demo account whose token is in use, if any. */
export function demoAccountOf(token) {
  return accounts.find((a) => a.token === token) || null;
}

/**
 * demoBar returns the demo sign-in strip, or null on a server without it.
 * onPick(account|null) signs in as that account, or out.
 */
export function demoBar(onPick) {
  if (!accounts.length) return null;
  const current = demoAccountOf(getToken());
  const select = h('select', {
    id: 'demo-as',
    'aria-describedby': 'demo-hint',
    onchange: () => onPick(accounts[Number(select.value)] || null),
  },
  h('option', { value: '-1', selected: !current }, t('demo.anonymous')),
  accounts.map((a, i) => h('option', { value: String(i), selected: a === current },
    t('demo.account', { name: a.name, role: t(`demo.role.${a.role}`) }))));
  return h('div', { class: 'demo-signin', role: 'region', 'aria-label': t('demo.region') },
    h('div', { class: 'demo-inner' },
      h('span', { class: 'demo-badge' }, t('demo.badge')),
      h('label', { for: 'demo-as' }, t('demo.label')),
      select,
      h('span', { class: 'demo-hint', id: 'demo-hint' }, t('demo.hint'))));
}
