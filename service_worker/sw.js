/* Mitta's service worker: keeps every page of the reader's language on the phone.

   Its configuration, PACK, comes from /sw-pack.js, which the server generates from the offline
   pack (server/pack.py): the version; per language, the parts that hold its pages (JSON documents
   named by their digest, with about the bytes they take once stored); the static files, each at a
   URL that names its digest. A changed /sw-pack.js is how the browser learns of a new version.

   Each version and language is one cache, "mitta-<version>-<locale>", read only once its
   completion marker (DONE) is written, which is written last; DONE also says which part holds
   each page. A part is stored whole, under its own URL, gzip-compressed (CompressionStream): the
   pages of one shape share their header, footer and icons in one compressed stream, so a
   language takes about a third of what its pages take compressed one by one (km 333 KB instead
   of 1,013 KB). A page is answered by decompressing and parsing its part (DecompressionStream),
   and the last few parts stay in memory, so the next page from the same part costs nothing.
   Static files are stored one by one, text compressed the same way. An older
   version's cache is deleted only when this version has the same language complete, so a
   language's only complete copy is never lost; until then it keeps answering. */
'use strict';

importScripts('/sw-pack.js');
importScripts('/sw-recordings.js');  // before this file's fetch listener: recordings.js answers clips

// A language's first save is "mitta-<version>-<locale>"; a province saved later, when the whole
// country did not fit a first visit (PACK.provinces), "mitta-<version>-<locale>-<province>".
const NAME = /^mitta-([0-9a-f]{16})-([a-z]{2,3})(?:-([a-z0-9-]+))?$/;
const cacheName = (locale, province) => `mitta-${PACK.version}-${locale}${province ? `-${province}` : ''}`;
const later = (locale) => (PACK.provinces && PACK.provinces[locale]) || {};
const DONE = '/__mitta/done';            // {locale, savedAt, checkedAt, bytes, parts, files, pages}: written last
const STATE = 'mitta-state';             // a cache of its own: why the last save failed, per language
const FAILURES = '/__mitta/failures';
const STORED = 'X-Mitta-Stored';         // "gzip" on a body this worker compressed
const SAFETY_MARGIN = 1.2;               // headers and keys take room too

class SaveError extends Error {
  constructor(reason, need) {
    super(reason);
    this.reason = reason;  // lost | space | changed | failed: what static/js/offline.js says
    this.need = need;
  }
}

function why(error) {
  if (error instanceof SaveError) return error;
  if (error && error.name === 'QuotaExceededError') return new SaveError('space');
  if (error instanceof TypeError) return new SaveError('lost');  // no answer, or a body cut off
  return new SaveError('failed');
}

function localeOf(url) {
  const first = new URL(url, self.location.origin).pathname.split('/')[1];
  return first in PACK.locales ? first : null;
}

const compressible = (type) => /^text\/|json|javascript/.test((type || '').split(';')[0]);

async function digestOf(bytes) {
  const hash = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(hash).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

const json = (value) => new Response(JSON.stringify(value), {headers: {'Content-Type': 'application/json'}});

// ------------------------------------------------------------------ what is saved

let known = null;  // the complete caches, read again after anything changes them
async function complete() {
  if (!known) {
    known = (async () => {
      const found = [];
      for (const name of await caches.keys()) {
        const match = NAME.exec(name);
        const mark = match && (await caches.match(DONE, {cacheName: name}));
        if (mark) {
          found.push(Object.assign(await mark.json(), {name, version: match[1], locale: match[2],
                                                        province: match[3] || ''}));
        }
      }
      return found;
    })();
  }
  return known;
}
const forget = () => { known = null; };

// Where to look for a path: this version first, its own language first, then older versions,
// newest first.
async function readers(locale) {
  const rank = (c) => (c.version === PACK.version ? 0 : 2) + (c.locale === locale ? 0 : 1);
  return (await complete()).slice().sort((a, b) => rank(a) - rank(b) || b.savedAt - a.savedAt);
}

function unpacked(hit, type) {
  const headers = new Headers(hit.headers);
  const packed = headers.get(STORED) === 'gzip';
  headers.delete(STORED);
  if (type) headers.set('Content-Type', type);
  return {headers, body: packed ? hit.body.pipeThrough(new DecompressionStream('gzip')) : hit.body};
}

// The parts read last, decompressed and parsed: a page, its status words and the search index
// usually sit in different parts, so a few are kept, not one (a part is at most 256 KB).
const KEEP_PARTS = 3;
const opened = new Map();  // digest -> Promise of {pages, headers}
function openPart(name, digest) {
  let part = opened.get(digest);
  if (!part) {
    part = (async () => {
      const hit = await caches.match(`/offline-pack/${digest}.json`, {cacheName: name});
      if (!hit) throw new Error(`part ${digest} missing from ${name}`);
      const {headers, body} = unpacked(hit);
      return {pages: JSON.parse(await new Response(body).text()), headers};
    })();
    part.catch(() => opened.delete(digest));
  } else {
    opened.delete(digest);  // most recently used last
  }
  opened.set(digest, part);
  while (opened.size > KEEP_PARTS) opened.delete(opened.keys().next().value);
  return part;
}

async function fromSaved(path, locale) {
  for (const c of await readers(locale)) {
    const digest = c.pages && c.pages[path];
    if (digest) {
      const {pages, headers} = await openPart(c.name, digest);
      const [type, text] = pages[path];
      const answered = new Headers(headers);
      answered.set('Content-Type', type);
      return new Response(text, {headers: answered});
    }
    const hit = await caches.match(path, {cacheName: c.name, ignoreVary: true});
    if (hit) {
      const {headers, body} = unpacked(hit);
      return new Response(body, {headers});
    }
  }
  return undefined;
}

// ------------------------------------------------------------------ saving

async function failures() {
  const found = await caches.match(FAILURES, {cacheName: STATE});
  return found ? found.json() : {};
}

async function remember(locale, error) {
  const all = await failures();
  if (!error && !(locale in all)) return;
  if (error) {
    const before = all[locale] || {attempts: 0};
    all[locale] = {reason: error.reason, need: error.need, at: Date.now(), attempts: before.attempts + 1,
                   version: PACK.version};
  } else {
    delete all[locale];
  }
  await (await caches.open(STATE)).put(FAILURES, json(all));
}

async function download(url) {
  // The default cache mode: parts and static files never change under their URL, so a retry
  // takes what already arrived from the browser's HTTP cache.
  const response = await fetch(url, {credentials: 'omit', redirect: 'error'});
  if (response.status === 404) throw new SaveError('changed');
  if (!response.ok || response.type !== 'basic') throw new SaveError('failed');
  return response;
}

// The body is decoded already: keep the server's headers (the CSP above all), not the ones that
// described the download.
function headersFrom(response, type) {
  const headers = new Headers(response.headers);
  ['Content-Encoding', 'Content-Length', 'ETag', 'Vary', 'Cache-Control'].forEach((h) => headers.delete(h));
  if (type) headers.set('Content-Type', type);
  return headers;
}

async function store(cache, path, body, headers) {
  let blob = new Blob([body]);
  if (self.CompressionStream && compressible(headers.get('Content-Type'))) {
    blob = await new Response(blob.stream().pipeThrough(new CompressionStream('gzip'))).blob();
    headers.set(STORED, 'gzip');
  }
  await cache.put(path, new Response(blob, {headers}));
  return blob.size;
}

async function copy(from, path, cache) {
  const hit = await caches.match(path, {cacheName: from});
  const blob = await hit.blob();
  await cache.put(path, new Response(blob, {headers: hit.headers}));
  return blob.size;
}

// A part is kept whole and compressed under its URL; what DONE needs is which pages it holds.
async function savePart(cache, [url, digest], reusable) {
  if (reusable[digest]) {
    const {name, pages} = reusable[digest];
    return {bytes: await copy(name, url, cache), paths: pages};
  }
  const response = await download(url);
  const raw = await response.arrayBuffer();
  if ((await digestOf(raw)) !== digest) throw new SaveError('changed');
  const paths = Object.keys(JSON.parse(new TextDecoder().decode(raw)));
  return {bytes: await store(cache, url, raw, headersFrom(response)), paths};
}

async function saveFile(cache, url, digest, reusable) {
  if (reusable[url]) return copy(reusable[url], url, cache);
  const response = await download(url);
  const raw = await response.arrayBuffer();
  if ((await digestOf(raw)) !== digest) throw new SaveError('changed');
  return store(cache, url, raw, headersFrom(response));
}

// Room for `need` bytes, before anything is downloaded. Chromium's navigator.storage.estimate()
// reports a fixed quota (usage + 10 GiB, so that sites cannot tell a private window), so the
// worker also asks the storage itself: it writes that many bytes into the cache it is about to
// fill (read by nobody until complete) and deletes them again.
const ROOM = '/__mitta/room';
async function roomFor(need, cache) {
  const bytes = Math.ceil(need * SAFETY_MARGIN);
  if (navigator.storage && navigator.storage.estimate) {
    const {quota, usage} = await navigator.storage.estimate();
    if (quota - usage < bytes) throw new SaveError('space', need);
  }
  try {
    await cache.put(ROOM, new Response(new Uint8Array(bytes)));
  } catch (error) {
    throw error && error.name === 'QuotaExceededError' ? new SaveError('space', need) : error;
  } finally {
    await cache.delete(ROOM);
  }
}

// Everything of one language for this version (or one province of it saved later), into a cache
// that is read only once complete.
async function save(locale, province) {
  const name = cacheName(locale, province);
  if (await caches.match(DONE, {cacheName: name})) return;
  const parts = province ? later(locale)[province] : PACK.locales[locale];
  const files = province ? [] : Object.entries(PACK.files);
  // What an older complete version already holds is copied, not downloaded.
  const reusableParts = {};
  const reusableFiles = {};
  for (const c of await complete()) {
    if (c.version === PACK.version) continue;
    if (c.locale === locale) {
      const held = {};
      Object.entries(c.pages || {}).forEach(([path, digest]) => { (held[digest] = held[digest] || []).push(path); });
      c.parts.forEach((digest) => { if (held[digest]) reusableParts[digest] = {name: c.name, pages: held[digest]}; });
    }
    files.forEach(([url]) => { if (c.files.includes(url)) reusableFiles[url] = c.name; });
  }
  const need = parts.reduce((n, p) => n + p[2], 0) + files.reduce((n, [, f]) => n + f[1], 0);
  const cache = await caches.open(name);
  try {
    await roomFor(need, cache);
    let bytes = 0;
    const pages = {};
    const sizes = await Promise.all([
      (async () => {
        let n = 0;
        // One part at a time: a cheap phone holds and parses one part, never the whole pack.
        for (const part of parts) {
          const saved = await savePart(cache, part, reusableParts);
          saved.paths.forEach((path) => { pages[path] = part[1]; });
          n += saved.bytes;
        }
        return n;
      })(),
      ...files.map(([url, [digest]]) => saveFile(cache, url, digest, reusableFiles)),
    ]);
    sizes.forEach((n) => { bytes += n; });
    await cache.put(DONE, json({locale, province: province || '', savedAt: Date.now(), bytes, parts: parts.map((p) => p[1]),
                                files: files.map(([url]) => url), pages}));
  } catch (error) {
    // Its cache gone under it: "Remove Mitta" (static/js/safety.js) deleted everything while it
    // was saving. Nothing is noted, so nothing of ours is written again.
    if (!(await caches.has(name))) throw new SaveError('removed');
    await caches.delete(name);
    const reason = why(error);
    if (reason.reason === 'space' && !reason.need) reason.need = need;
    throw reason;
  } finally {
    forget();
  }
}

const saving = {};
function saveOnce(locale, province) {
  const key = `${locale} ${province || ''}`;
  saving[key] = saving[key] || save(locale, province).then(
    () => remember(locale, null),
    (error) => (error.reason === 'removed' ? Promise.resolve() : remember(locale, error)).then(() => { throw error; }),
  ).finally(() => { delete saving[key]; });
  return saving[key];
}

// An update saves every language an older version saved before it takes over; if that cannot
// complete, installing fails and the old version goes on answering.
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const done = await complete();
    const locales = [...new Set(done.map((c) => c.locale))].filter((l) => l in PACK.locales);
    for (const locale of locales) {
      await saveOnce(locale);
      // And every province saved later that this version still keeps apart.
      const provinces = new Set(done.filter((c) => c.locale === locale && c.province in later(locale)).map((c) => c.province));
      for (const province of provinces) await saveOnce(locale, province);
    }
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    forget();
    const done = await complete();
    const current = new Set(done.filter((c) => c.version === PACK.version).map((c) => `${c.locale} ${c.province}`));
    for (const name of await caches.keys()) {
      const match = NAME.exec(name);
      if (!match || match[1] === PACK.version) continue;
      const isComplete = done.some((c) => c.name === name);
      const province = match[3] || '';
      // A province this version no longer keeps apart is in its language's first save.
      const key = `${match[2]} ${province in later(match[2]) ? province : ''}`;
      if (!isComplete || current.has(key)) await caches.delete(name);
    }
    forget();
    await self.clients.claim();
  })());
});

// ------------------------------------------------------------------ answering

async function offline(url) {
  const saved = await complete();
  if (!saved.length) return Response.error();
  const locale = localeOf(url) || (await readers(null))[0].locale;
  if (url.pathname === '/') return Response.redirect(`/${locale}/`, 302);
  return (await fromSaved(`/${locale}/offline/`, locale)) || Response.error();
}

async function answer(request, url) {
  // A saved page or file is always answered from a saved version, online or not, so a page and
  // everything it uses come from the same version.
  const locale = localeOf(url);
  const saved = await fromSaved((!url.search && PACK.aliases[url.pathname]) || url.pathname + url.search, locale);
  if (saved) return saved;
  try {
    return await fetch(request);
  } catch (error) {
    if (request.mode !== 'navigate') throw error;
    // Offline: a search (/km/search?q=…) opens the saved search page, which searches on the phone.
    return (url.search && (await fromSaved(url.pathname, locale))) || offline(url);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Other origins and anything but reading are left to the network, and never saved.
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(answer(request, url));
});

// ------------------------------------------------------------------ talking to the page

// Per language, the copy that answers (this version's, else the newest older one), how much
// this version needs, and why its last save failed.
// Where the whole country did not fit, which provinces the saved copies hold (`provinces`:
// those of the first save and those saved since) and which this version keeps apart (`later`).
async function status() {
  const saved = {};
  const provinces = {};
  const seen = new Set();
  let bytes = 0;
  for (const c of await readers(null)) {
    const key = `${c.locale} ${c.province}`;
    if (seen.has(key)) continue;
    seen.add(key);
    bytes += c.bytes;
    if (c.province) {
      (provinces[c.locale] = provinces[c.locale] || []).push(c.province);
      continue;
    }
    saved[c.locale] = {savedAt: c.savedAt, checkedAt: c.checkedAt, bytes: c.bytes, current: c.version === PACK.version};
    (provinces[c.locale] = provinces[c.locale] || []).push(...((PACK.first || {})[c.locale] || []));
  }
  const apart = {};
  Object.keys(PACK.locales).forEach((l) => { apart[l] = Object.keys(later(l)); });
  return {version: PACK.version, saved, provinces, later: apart, bytes, failed: await failures()};
}

// The page has just asked the server and this version is still the newest.
async function confirmed() {
  for (const c of await complete()) {
    if (c.version !== PACK.version) continue;
    const cache = await caches.open(c.name);
    const mark = await (await cache.match(DONE)).json();
    mark.checkedAt = Date.now();
    await cache.put(DONE, json(mark));
  }
  forget();
}

// Messages from static/js/offline.js; each answers with the status on the port it was given.
self.addEventListener('message', (event) => {
  const {type, locale, provinces} = event.data || {};
  if (type === 'SKIP_WAITING') {
    self.skipWaiting();
    return;
  }
  const work = {
    STATUS: () => Promise.resolve(),
    // The language first; then the provinces of the page the reader opened (a province, or a
    // service's), those this version keeps apart, one at a time.
    SAVE: () => (locale in PACK.locales ? saveOnce(locale).then(async () => {
      for (const province of Array.isArray(provinces) ? provinces : []) {
        if (province in later(locale)) await saveOnce(locale, province);
      }
    }) : Promise.resolve()),
    CONFIRMED: confirmed,
  }[type];
  if (!work || !event.ports[0]) return;
  event.waitUntil(work().catch(() => null).then(status).then((s) => event.ports[0].postMessage(s)));
});
