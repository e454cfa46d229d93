/* Mitta's service worker: keeps every page of the reader's language on the phone.

   The server fills in PACK (server/offline.py): the version, a hash of everything saved; the
   files fetched one by one (CSS, JS, font, icons), each with the first 16 hex digits of its
   SHA-256; and where each language's pages are, as one JSON document per language and version.
   Each version and language is one cache, "mitta-<version>-<locale>", written only once every
   file has arrived and marked complete last; old versions are deleted when a new one takes over. */
'use strict';

const PACK = {"version": "dev", "bundle": "/", "locales": [], "files": {}};

const PREFIX = 'mitta-';
const DONE = '/__mitta_saved__';  // written last: a cache without it is not used
const cacheName = (locale) => `${PREFIX}${PACK.version}-${locale}`;
const FETCH = {cache: 'no-cache', credentials: 'omit', redirect: 'error'};

function localeOf(url) {
  const first = new URL(url, self.location.origin).pathname.split('/')[1];
  return PACK.locales.includes(first) ? first : null;
}

async function digest(response) {
  const hash = await crypto.subtle.digest('SHA-256', await response.clone().arrayBuffer());
  return Array.from(new Uint8Array(hash).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

function checked(response, what) {
  if (!response.ok || response.type !== 'basic') throw new Error(`${what}: ${response.status}`);
  return response;
}

// The body is decoded already: keep the server's headers (the CSP above all), not the ones that
// described the download.
function headersFrom(response, type) {
  const headers = new Headers(response.headers);
  ['Content-Encoding', 'Content-Length', 'ETag', 'Vary'].forEach((name) => headers.delete(name));
  if (type) headers.set('Content-Type', type);
  return headers;
}

// One file, exactly the bytes the server hashed: copied from an older version's cache if it
// has not changed, else downloaded (the browser may revalidate its own copy).
async function oneFile(path, expected) {
  const old = await caches.match(path, {ignoreVary: true});
  if (old && (await digest(old)) === expected) return old;
  const response = checked(await fetch(path, FETCH), path);
  if ((await digest(response)) !== expected) throw new Error(`${path}: not this version`);
  return new Response(await response.blob(), {headers: headersFrom(response)});
}

// Every page of a language in one download. The server answers only for the version it
// serves, so these pages always belong to PACK.version.
async function pages(locale) {
  const response = checked(await fetch(`${PACK.bundle}${locale}.json`, FETCH), locale);
  const files = await response.json();
  return Object.keys(files).map((path) => {
    const [type, body] = files[path];
    return [path, new Response(body, {headers: headersFrom(response, type)})];
  });
}

async function save(locale) {
  const name = cacheName(locale);
  if (await caches.match(DONE, {cacheName: name})) return;
  const paths = Object.keys(PACK.files);
  try {
    const [texts, files] = await Promise.all([
      pages(locale),
      Promise.all(paths.map((path) => oneFile(path, PACK.files[path]))),
    ]);
    const cache = await caches.open(name);
    // The size is counted once here, so showing "Saved — N KB" never rereads the whole pack.
    let bytes = 0;
    await Promise.all(texts.concat(files.map((r, i) => [paths[i], r])).map(async ([path, r]) => {
      const body = await r.blob();
      bytes += body.size;
      await cache.put(path, new Response(body, {headers: r.headers}));
    }));
    await cache.put(DONE, new Response(JSON.stringify({locale, savedAt: Date.now(), bytes}),
                                       {headers: {'Content-Type': 'application/json'}}));
  } catch (error) {
    await caches.delete(name);
    throw error;
  }
}

const saving = {};
function saveOnce(locale) {
  saving[locale] = saving[locale] || save(locale).finally(() => { delete saving[locale]; });
  return saving[locale];
}

// Languages to save: those an earlier version saved, and those of the pages open now.
async function wanted() {
  const saved = (await caches.keys()).filter((n) => n.startsWith(PREFIX)).map((n) => n.split('-').pop());
  const open = await self.clients.matchAll({type: 'window', includeUncontrolled: true});
  return [...new Set(saved.concat(open.map((c) => localeOf(c.url))))].filter((l) => PACK.locales.includes(l));
}

self.addEventListener('install', (event) => {
  event.waitUntil(wanted().then((locales) => Promise.all(locales.map(saveOnce))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const current = PACK.locales.map(cacheName);
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && !current.includes(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function fromSaved(path) {
  for (const locale of PACK.locales) {
    const hit = await caches.match(path, {cacheName: cacheName(locale), ignoreVary: true});
    if (hit) return hit;
  }
  return undefined;
}

async function savedLocales() {
  const found = [];
  for (const locale of PACK.locales) {
    if (await caches.match(DONE, {cacheName: cacheName(locale)})) found.push(locale);
  }
  return found;
}

async function offline(url) {
  const saved = await savedLocales();
  if (!saved.length) return Response.error();
  if (url.pathname === '/') return Response.redirect(`/${saved[0]}/`, 302);
  const locale = localeOf(url) || saved[0];
  return (await fromSaved(`/${locale}/offline/`)) || Response.error();
}

async function answer(request, url) {
  // A saved page or file is always answered from the saved version, online or not, so a page
  // and everything it uses come from the same version.
  const saved = await fromSaved(url.pathname + url.search);
  if (saved) return saved;
  try {
    return await fetch(request);
  } catch (error) {
    if (request.mode !== 'navigate') throw error;
    // Offline: a search (/km/search?q=…) opens the saved search page, which searches on the phone.
    return (url.search && (await fromSaved(url.pathname))) || offline(url);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Other origins and anything but reading are left to the network, and never saved.
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(answer(request, url));
});

async function status() {
  const saved = {};
  let bytes = 0;
  for (const locale of await savedLocales()) {
    saved[locale] = await (await caches.match(DONE, {cacheName: cacheName(locale)})).json();
    bytes += saved[locale].bytes;
  }
  return {version: PACK.version, saved, bytes};
}

// The page has just asked the server and this version is still the newest.
async function confirmed() {
  for (const locale of await savedLocales()) {
    const cache = await caches.open(cacheName(locale));
    const mark = await (await cache.match(DONE)).json();
    mark.checkedAt = Date.now();
    await cache.put(DONE, new Response(JSON.stringify(mark), {headers: {'Content-Type': 'application/json'}}));
  }
}

// Messages from static/js/offline.js; each answers with the status on the port it was given.
self.addEventListener('message', (event) => {
  const {type, locale} = event.data || {};
  if (type === 'SKIP_WAITING') {
    self.skipWaiting();
    return;
  }
  const work = {
    STATUS: () => Promise.resolve(),
    SAVE: () => (PACK.locales.includes(locale) ? saveOnce(locale) : Promise.resolve()),
    CONFIRMED: confirmed,
  }[type];
  if (!work || !event.ports[0]) return;
  event.waitUntil(work().catch(() => null).then(status).then((s) => event.ports[0].postMessage(s)));
});
