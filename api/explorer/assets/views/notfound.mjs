// Any address under /explore/ that is no page of the explorer.

import { h, replace } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { BASE } from '../ui.mjs';

export function render(root) {
  document.title = `${t('notfound.title')} — ${t('brand')}`;
  replace(root,
    h('h1', {}, t('notfound.title')),
    h('div', { class: 'message', role: 'alert' }, h('p', {}, t('notfound.detail'))),
    h('p', {}, h('a', { href: BASE }, t('node.back'))));
}
