// A combobox that finds a document by search as you type (ARIA 1.2
// combobox with a listbox popup: arrows move, Enter picks, Escape closes).

import { h, replace, debounce, uid } from './dom.mjs';
import { t } from './i18n.mjs';
import { gql } from './api.mjs';
import { kindLabel } from './ui.mjs';

const FIND = `query Find($q: String!) {
  search(query: $q, first: 8) { edges { node { id kind title } } }
}`;

/**
 * picker({label, value: {id, title}|null, onChange}) returns {element, get}.
 */
export function picker({ label, name, value = null, onChange }) {
  const inputId = uid('pick');
  const listId = `${inputId}-list`;
  let chosen = value;
  let options = [];
  let active = -1;
  let seq = 0;
  const input = h('input', {
    id: inputId, name, type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    value: value?.title ?? '',
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'picker-list', hidden: true, 'aria-label': label });
  const note = h('p', { class: 'picker-note hint', 'aria-live': 'polite' });

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const choose = (opt) => {
    chosen = opt;
    input.value = opt.title;
    close();
    onChange?.(opt);
  };
  const setActive = (i) => {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  const find = debounce(async () => {
    const q = input.value.trim();
    const me = ++seq;
    if (!q) {
      close();
      return;
    }
    try {
      const d = await gql(FIND, { q });
      if (me !== seq) return;
      options = d.search.edges.map((e) => e.node);
    } catch (err) {
      if (me !== seq) return;
      options = [];
      replace(note, err.message ? t('picker.error') : '');
      close();
      return;
    }
    replace(note, options.length ? '' : t('picker.none'));
    replace(list, options.map((o, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', 'data-id': o.id,
      onmousedown: (e) => e.preventDefault(),
      onclick: () => choose(o),
    }, h('span', { class: 'muted' }, `${kindLabel(o.kind)} · `), o.title)));
    list.hidden = options.length === 0;
    input.setAttribute('aria-expanded', String(options.length > 0));
    active = -1;
  }, 200);

  input.addEventListener('input', () => {
    chosen = null;
    onChange?.(null);
    find();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (list.hidden && options.length) {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      }
      setActive(Math.min(options.length - 1, active + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(Math.max(0, active - 1));
    } else if (e.key === 'Enter' && !list.hidden && active >= 0) {
      e.preventDefault();
      choose(options[active]);
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));

  const element = h('div', { class: 'picker' }, h('label', { for: inputId }, label), input, list, note);
  return { element, get: () => chosen, input };
}
