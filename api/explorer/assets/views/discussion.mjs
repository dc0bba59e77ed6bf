// The discussion under a document page (« Discuter de la note »): threads
// of comments, oldest first, with replies nested as the API nests them
// (three levels, flattened beyond). Signed-in readers reply and flag;
// a comment's author (and curators) edit and delete it. Every write asks
// the server, which decides; the page shows what it answers.

import { h, replace } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql, getToken } from '../api.mjs';
import { role } from '../curator.mjs';
import { render as markdown } from '../markdown.mjs';
import { nodeLink, errorBox, loading, time, formatNumber } from '../ui.mjs';

// The first comments of the threads come with their first replies;
// deeper replies are read when the reader opens them, so that the query
// stays far below the API's complexity limit. Written out, not
// interpolated, so that the documents can be persisted.
const DISCUSSION = `query Discussion($id: ID!) {
  node(id: $id) { ... on Document { discussion(first: 50) { totalCount nodes {
    id body version deleted hidden createdAt updatedAt replyCount author { id name }
    replies(first: 10) { totalCount nodes { id body version deleted hidden createdAt updatedAt replyCount author { id name } } }
  } } } }
}`;
const REPLIES = `query Replies($id: ID!) {
  comment(id: $id) { replies(first: 100) { totalCount nodes { id body version deleted hidden createdAt updatedAt replyCount author { id name } } } }
}`;

const ADD = `mutation AddComment($doc: ID!, $replyTo: ID, $body: String!) {
  addComment(documentId: $doc, replyTo: $replyTo, body: $body) { comment { id } }
}`;
const EDIT = `mutation EditComment($id: ID!, $body: String!, $v: Int!) {
  editComment(id: $id, body: $body, expectedVersion: $v) { comment { id version } }
}`;
const DELETE = `mutation DeleteComment($id: ID!) { deleteComment(id: $id) { comment { id deleted } } }`;
const FLAG = `mutation FlagComment($id: ID!, $reason: String!) { flagComment(id: $id, reason: $reason) { flag { id } } }`;

/** discussion returns the section of document d's discussion; it loads itself. */
export function discussion(d, signal) {
  const body = h('div', { class: 'discussion-body' }, loading());
  const count = h('span', { class: 'count' });
  const sec = h('section', { class: 'panel discussion', id: 'discussion', 'aria-labelledby': 'discussion-title' },
    h('h2', { id: 'discussion-title' }, t('disc.title'), count), body);
  const reload = async () => {
    try {
      const [data, who] = await Promise.all([gql(DISCUSSION, { id: d.id }, { signal }), role()]);
      if (signal?.aborted) return;
      const conn = data.node?.discussion;
      replace(count, conn ? [' ', formatNumber(conn.totalCount)] : '');
      replace(body, conn ? thread(d, conn, who, reload, signal) : h('p', { class: 'muted' }, t('disc.none')));
    } catch (err) {
      if (err.kind === 'aborted') return;
      replace(body, errorBox(err, { retry: reload }));
    }
  };
  reload();
  return sec;
}

function thread(d, conn, who, reload, signal) {
  const signedIn = Boolean(getToken());
  return [
    conn.nodes.length ? h('ol', { class: 'comments' }, conn.nodes.map((c) => comment(d, c, who, reload, signal)))
      : h('p', { class: 'muted', id: 'disc-empty' }, t('disc.empty')),
    conn.totalCount > conn.nodes.length && h('p', { class: 'muted' }, t('list.more', { n: formatNumber(conn.totalCount - conn.nodes.length) })),
    signedIn ? form(t('disc.new'), '', async (text) => {
      await gql(ADD, { doc: d.id, body: text }, { signal });
      reload();
    }, { id: 'disc-new' }) : h('p', { class: 'muted' }, t('disc.signin')),
  ];
}

function comment(d, c, who, reload, signal) {
  const mine = who.viewerId && c.author?.id === who.viewerId;
  const canChange = !c.deleted && (mine || who.curator);
  const actions = h('p', { class: 'comment-actions' });
  const box = h('div', { class: 'comment-box' });
  const open = (content) => replace(box, content);
  const button = (label, onclick, cls = 'link-button') => h('button', { type: 'button', class: cls, onclick }, label);
  if (getToken() && !c.deleted) {
    actions.append(button(t('disc.reply'), () => open(form(t('disc.reply'), '', async (text) => {
      await gql(ADD, { doc: d.id, replyTo: c.id, body: text }, { signal });
      reload();
    }, { onCancel: () => replace(box) }))));
    if (canChange) {
      actions.append(' ', button(t('disc.edit'), () => open(form(t('disc.edit'), c.body, async (text) => {
        await gql(EDIT, { id: c.id, body: text, v: c.version }, { signal });
        reload();
      }, { onCancel: () => replace(box) }))));
      actions.append(' ', button(t('disc.delete'), async () => {
        if (!window.confirm(t('disc.confirmDelete'))) return;
        try {
          await gql(DELETE, { id: c.id }, { signal });
          reload();
        } catch (err) {
          if (err.kind !== 'aborted') open(errorBox(err));
        }
      }));
    }
    if (!mine) {
      actions.append(' ', button(t('disc.flag'), () => open(form(t('disc.flagReason'), '', async (text) => {
        await gql(FLAG, { id: c.id, reason: text }, { signal });
        replace(box, h('p', { class: 'message', role: 'status' }, t('disc.flagged')));
      }, { onCancel: () => replace(box), submit: t('disc.flag') }))));
    }
  }
  const replies = c.replies?.nodes || [];
  const more = h('div', { class: 'more-replies' });
  if (c.replyCount > replies.length) {
    const open = h('button', {
      type: 'button', class: 'link-button', 'aria-expanded': 'false',
      onclick: async () => {
        replace(more, loading());
        try {
          const data = await gql(REPLIES, { id: c.id }, { signal });
          const all = data.comment.replies.nodes;
          replace(more, h('ol', { class: 'comments replies' }, all.map((r) => comment(d, r, who, reload, signal))));
          li.querySelector(':scope > ol.replies')?.remove();
        } catch (err) {
          if (err.kind !== 'aborted') replace(more, errorBox(err));
        }
      },
    }, t('disc.showReplies', { n: formatNumber(c.replyCount) }));
    more.append(open);
  }
  const li = h('li', { class: `comment${c.deleted ? ' deleted' : ''}`, id: `comment-${c.id}`, 'data-comment': c.id },
    h('article', { 'aria-label': c.deleted ? t('disc.deleted') : t('disc.by', { name: c.author?.name || '?' }) },
      h('p', { class: 'comment-meta' },
        c.deleted ? h('span', { class: 'muted' }, t('disc.deleted'))
          : [c.author ? nodeLink(c.author.id, c.author.name) : h('span', { class: 'muted' }, t('disc.gone')), ' · ', time(c.createdAt, true)],
        !c.deleted && c.version > 1 && h('span', { class: 'muted' }, ' · ', t('disc.edited')),
        c.hidden && h('span', { class: 'badge warn' }, ' ', t('doc.hidden'))),
      !c.deleted && h('div', { class: 'prose comment-body' }, markdown(c.body || '')),
      actions, box),
    replies.length > 0 && h('ol', { class: 'comments replies' }, replies.map((r) => comment(d, r, who, reload, signal))),
    more);
  return li;
}

/** form is a labelled text area with a submit button; errors show under it. */
function form(label, initial, onSubmit, { id, onCancel, submit } = {}) {
  const fid = `f-${Math.random().toString(36).slice(2)}`;
  const area = h('textarea', { id: fid, rows: '3', maxlength: '10000', required: true, class: 'comment-input' });
  area.value = initial;
  const status = h('div', { class: 'form-status' });
  const el = h('form', { class: 'comment-form', id },
    h('label', { for: fid }, label), area,
    h('p', {}, h('button', { type: 'submit' }, submit || t('disc.send')),
      onCancel && [' ', h('button', { type: 'button', class: 'secondary', onclick: onCancel }, t('disc.cancel'))]),
    status);
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(status);
    try {
      await onSubmit(area.value);
      area.value = '';
    } catch (err) {
      if (err.kind === 'aborted') return;
      replace(status, errorBox(err));
    }
  });
  return el;
}
