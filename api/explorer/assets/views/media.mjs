// The media of a note page: recordings and videos in players, with their
// transcript as a captions track and as a list of times to play from;
// images and drawings with their alt text; PDFs to download. The note's
// authors and curators get an upload form. A search hit that says
// "à 12:34" opens the note with ?media=<id>&t=<seconds>: the player of
// that media starts there.
//
// The files are served at GET /media/{id} under the note's visibility,
// decided by the server with the reader's token. A media element cannot
// send an Authorization header, and the token never goes in an address:
// the file of a note anyone may read is loaded straight from its address
// (range requests, so long recordings seek without being read whole); any
// other is fetched with the token into a blob: URL, which only this page
// can read and which is released when the page changes.

import { h, replace, uid } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql, upload, fetchBlob, download } from '../api.mjs';
import { role } from '../curator.mjs';
import { errorBox, loading, formatNumber } from '../ui.mjs';

// Written out, not interpolated, so that the documents can be persisted.
const MEDIA = `query NoteMedia($id: ID!) {
  node(id: $id) { ... on Note { media {
    id url title alt description language format mimeType size
    transcript { start end at speaker text }
  } } }
}`;
const UPLOAD = `mutation UploadMedia($input: UploadMediaInput!) {
  uploadMedia(input: $input) { id format }
}`;

/** playHref is the address of note id's page that plays media mediaId from start (seconds). */
export function playHref(noteHref, mediaId, start) {
  const p = new URLSearchParams({ media: mediaId, t: String(Math.max(0, Math.floor(start * 1000) / 1000)) });
  return `${noteHref}?${p}`;
}

/**
 * mediaSection returns the media panel of note d; it loads itself. route
 * may ask to play one media from a time (?media=…&t=…).
 */
export function mediaSection(d, route, signal) {
  const body = h('div', { class: 'media-body' }, loading());
  const count = h('span', { class: 'count' });
  const status = h('div', { class: 'media-status', role: 'status' });
  const formBox = h('div', { class: 'media-upload-box' });
  const changed = h('div', { class: 'media-changed' });
  const sec = h('section', { class: 'panel media', id: 'media', 'aria-labelledby': 'media-title' },
    h('h2', { id: 'media-title' }, t('media.title'), count), changed, status, body, formBox);
  const urls = [];
  signal?.addEventListener('abort', () => urls.forEach((u) => URL.revokeObjectURL(u)));
  const at = route?.params?.get('t');
  let wanted = { id: route?.params?.get('media') || '', at: at === null || at === undefined || at === '' ? NaN : Number(at) };
  let shown = '';
  const reload = async () => {
    try {
      const [data, who] = await Promise.all([gql(MEDIA, { id: d.id }, { signal }), role()]);
      if (signal?.aborted) return;
      const list = data.node?.media || [];
      shown = list.map((m) => m.id).join(' ');
      replace(changed);
      sec.dataset.count = String(list.length);
      replace(count, list.length ? [' ', formatNumber(list.length)] : '');
      replace(body, list.length
        ? h('ul', { class: 'media-list' }, list.map((m) => h('li', { class: `media-item format-${m.format.toLowerCase()}`, 'data-media': m.id },
          item(m, d, { signal, urls, status, play: wanted.id === m.id && Number.isFinite(wanted.at) ? wanted.at : null }))))
        : h('p', { class: 'muted' }, t('media.none')));
      // A hit in an image's alt text or a media's description names the
      // media without a time: show it.
      const target = wanted.id && body.querySelector(`li[data-media="${CSS.escape(wanted.id)}"]`);
      if (target && !Number.isFinite(wanted.at)) target.scrollIntoView({ block: 'center' });
      wanted = { id: '', at: NaN };
      const author = who.viewerId && d.authorships.some((a) => a.contributor.id === who.viewerId);
      // Uploading needs a token that speaks for a contributor who may edit
      // the note; the server decides again.
      if (who.viewerId && (who.curator || author) && !formBox.firstChild) replace(formBox, uploadForm(d, reload, signal));
    } catch (err) {
      if (err.kind === 'aborted') return;
      replace(body, errorBox(err, { retry: reload }));
    }
  };
  // Someone added or removed a media while the page is open: say so, and
  // let the reader choose when to redraw (a player may be playing).
  window.addEventListener('maillage:media-changed', async (e) => {
    if (e.detail?.id !== d.id) return;
    try {
      const data = await gql(MEDIA, { id: d.id }, { signal });
      if ((data.node?.media || []).map((m) => m.id).join(' ') === shown) return;
      replace(changed, h('p', { class: 'message' }, t('media.changed'), ' ',
        h('button', { type: 'button', onclick: () => reload() }, t('live.reload'))));
    } catch {
      // the page stays as it is
    }
  }, { signal });
  reload();
  return sec;
}

/** readableByAnyone: a note anonymous readers may read serves its media to them too. */
function readableByAnyone(d) {
  return d.visibility === 'PUBLIC' && !d.hidden;
}

/** source is the address a player or an image loads m from (see the file's comment). */
async function source(m, d, { signal, urls }) {
  if (readableByAnyone(d)) return m.url;
  const blob = await fetchBlob(m.url, { signal });
  const u = URL.createObjectURL(blob);
  urls.push(u);
  return u;
}

function heading(m) {
  return m.title || t(`media.format.${m.format}`);
}

function item(m, d, opts) {
  const title = h('h3', {}, heading(m));
  const about = m.description && h('p', { class: 'media-description' }, m.description);
  switch (m.format) {
    case 'AUDIO':
    case 'VIDEO':
      return [title, player(m, d, opts), about, transcript(m, opts)];
    case 'IMAGE':
      return [title, image(m, d, opts), about];
    default:
      return [title, about, h('p', {}, h('button', {
        type: 'button', class: 'secondary',
        onclick: () => download(m.url, `${m.id}.pdf`).catch((err) => replace(opts.status, errorBox(err))),
      }, t('media.download', { size: byteSize(m.size) })))];
  }
}

function image(m, d, opts) {
  // alt is what stands for the picture; empty, the picture is described by
  // its caption (title and description) beside it.
  const img = h('img', { alt: m.alt || '', class: 'media-image', decoding: 'async' });
  const fig = h('figure', {}, img, m.alt && h('figcaption', { class: 'muted' }, t('media.alt'), ' ', m.alt));
  source(m, d, opts).then((src) => {
    img.src = src;
  }, (err) => {
    if (err.kind !== 'aborted') replace(fig, errorBox(err));
  });
  return fig;
}

function player(m, d, opts) {
  const el = h(m.format === 'VIDEO' ? 'video' : 'audio', {
    controls: true, preload: 'metadata', class: 'media-player', 'data-media': m.id,
    'aria-label': heading(m),
  });
  el.dataset.state = 'loading';
  const box = h('div', { class: 'player-box' }, el);
  if (m.transcript.length) {
    // The transcript as a captions track: written as WebVTT from the cues
    // the API sends, so that the player shows what is said as it is said.
    const vtt = URL.createObjectURL(new Blob([toVTT(m.transcript)], { type: 'text/vtt' }));
    opts.urls.push(vtt);
    el.append(h('track', { kind: 'captions', src: vtt, srclang: m.language || 'fr', label: t('media.captions'), default: true }));
  }
  source(m, d, opts).then((src) => {
    el.src = src;
    el.dataset.state = 'ready';
    if (opts.play !== null && Number.isFinite(opts.play)) playFrom(el, opts.play, opts.status);
  }, (err) => {
    if (err.kind !== 'aborted') replace(box, errorBox(err));
  });
  return box;
}

/**
 * playFrom starts el at second at, once it knows its duration. A browser
 * that refuses to play without a gesture still gets the time, and the
 * reader is told to press play.
 */
function playFrom(el, at, status) {
  const go = () => {
    el.currentTime = Math.min(at, Number.isFinite(el.duration) ? el.duration : at);
    el.dataset.startedAt = String(at);
    el.scrollIntoView({ block: 'center' });
    el.play().then(() => {
      replace(status);
    }, (err) => {
      if (err?.name === 'NotAllowedError') replace(status, h('p', { class: 'message' }, t('media.pressPlay', { at: stamp(at) })));
    });
  };
  if (el.readyState >= 1) go();
  else el.addEventListener('loadedmetadata', go, { once: true });
}

function transcript(m, opts) {
  if (!m.transcript.length) return null;
  const id = uid('transcript');
  return h('details', { class: 'transcript', open: opts.play !== null },
    h('summary', { id }, t('media.transcript', { n: m.transcript.length })),
    h('ol', { class: 'cues', 'aria-labelledby': id }, m.transcript.map((c) => h('li', {},
      h('button', {
        type: 'button', class: 'link-button cue-time', 'aria-label': t('media.playAt.label', { at: c.at }),
        onclick: (e) => {
          const el = e.currentTarget.closest('.media-item')?.querySelector('audio, video');
          if (el) playFrom(el, c.start, opts.status);
        },
      }, c.at),
      ' ',
      c.speaker && h('span', { class: 'speaker' }, t('media.speaker', { name: c.speaker }), ' '),
      c.text))));
}

function uploadForm(d, reload, signal) {
  const ids = { file: uid('mf'), captions: uid('mc'), title: uid('mt'), alt: uid('ma'), desc: uid('md') };
  const file = h('input', { id: ids.file, name: 'file', type: 'file', required: true, 'aria-describedby': `${ids.file}-hint`,
    accept: 'audio/*,video/mp4,video/webm,image/jpeg,image/png,image/webp,application/pdf' });
  const captions = h('input', { id: ids.captions, name: 'captions', type: 'file', accept: '.vtt,.srt,text/vtt', 'aria-describedby': `${ids.captions}-hint` });
  const title = h('input', { id: ids.title, name: 'title', type: 'text', maxlength: 300 });
  const alt = h('input', { id: ids.alt, name: 'alt', type: 'text', maxlength: 1000, 'aria-describedby': `${ids.alt}-hint` });
  const desc = h('textarea', { id: ids.desc, name: 'description', rows: 3, maxlength: 5000 });
  const status = h('div', { class: 'form-status', role: 'status' });
  const submit = h('button', { type: 'submit' }, t('media.upload.send'));
  const field = (id, label, input, hint) => h('p', { class: 'field' },
    h('label', { for: id }, label), input, hint && h('span', { class: 'muted field-hint', id: `${id}-hint` }, hint));
  const form = h('form', {
    class: 'media-upload', id: 'media-upload', 'aria-labelledby': `${ids.file}-legend`,
    onsubmit: async (e) => {
      e.preventDefault();
      const f = file.files[0];
      if (!f) {
        replace(status, h('p', { class: 'form-note' }, t('media.upload.nofile')));
        file.focus();
        return;
      }
      submit.disabled = true;
      replace(status, t('media.upload.sending', { name: f.name, size: byteSize(f.size) }));
      const input = { file: null, attachTo: d.id };
      if (captions.files[0]) input.captions = null;
      for (const [k, el] of [['title', title], ['alt', alt], ['description', desc]]) {
        if (el.value.trim()) input[k] = el.value.trim();
      }
      try {
        await upload(UPLOAD, { input }, { 'variables.input.file': f, 'variables.input.captions': captions.files[0] }, { signal });
        form.reset();
        replace(status, h('p', { class: 'ok-note' }, t('media.upload.done', { name: f.name })));
        await reload();
      } catch (err) {
        if (err.kind === 'aborted') return;
        replace(status, errorBox(err), err.code && h('p', { class: 'muted error-code' }, t('media.upload.code', { code: err.code })));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h3', { id: `${ids.file}-legend` }, t('media.upload.title')),
  field(ids.file, t('media.upload.file'), file, t('media.upload.fileHint')),
  field(ids.captions, t('media.upload.captions'), captions, t('media.upload.captionsHint')),
  field(ids.title, t('media.upload.titleField'), title),
  field(ids.alt, t('media.upload.alt'), alt, t('media.upload.altHint')),
  field(ids.desc, t('media.upload.description'), desc),
  h('p', {}, submit),
  status);
  return form;
}

/** stamp writes seconds as a reader reads them: 12:34, or 1:02:03 past an hour. */
export function stamp(sec) {
  const s = Math.max(0, Math.floor(sec));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function vttTime(sec) {
  const ms = Math.round(sec * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3600000))}:${p(Math.floor(ms / 60000) % 60)}:${p(Math.floor(ms / 1000) % 60)}.${p(ms % 1000, 3)}`;
}

/** toVTT writes cues as WebVTT; their text is plain, so it is escaped where WebVTT reads markup. */
export function toVTT(cues) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out = ['WEBVTT', ''];
  for (const c of cues) {
    out.push(`${vttTime(c.start)} --> ${vttTime(Math.max(c.end, c.start))}`);
    out.push(`${c.speaker ? `<v ${esc(c.speaker).replace(/\n/g, ' ')}>` : ''}${esc(c.text).replace(/\n\n+/g, '\n')}`);
    out.push('');
  }
  return out.join('\n');
}

function byteSize(n) {
  if (n < 1024) return t('size.b', { n: formatNumber(n) });
  if (n < 1024 * 1024) return t('size.kb', { n: formatNumber(Math.round(n / 1024)) });
  return t('size.mb', { n: formatNumber(Math.round(n / 1024 / 102.4) / 10) });
}
