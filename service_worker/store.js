/* Saving, for sw.js: what is saved (the complete caches, read by their completion mark), saving
   one language or province of this version into a cache that is read only once complete, and
   why the last save failed. A part is stored whole, under its own URL, gzip-compressed
   (CompressionStream): the pages of one shape share their header, footer and icons in one
   compressed stream, so a language takes about a third of what its pages take compressed one by
   one. Static files are stored one by one, text compressed the same way. */
'use strict';

const SAFETY_MARGIN = 1.2;  // headers and keys take room too

class SaveError extends Error {
  constructor(reason, need) {
    super(reason);
    this.reason = reason;  // one of Protocol.REASONS: what static/js/offline.js says
    this.need = need;
  }
}

function why(error) {
  if (error instanceof SaveError) return error;
  if (error && error.name === 'QuotaExceededError') return new SaveError('space');
  if (error instanceof TypeError) return new SaveError('lost');  // no answer, or a body cut off
  return new SaveError('failed');
}

const json = (value) => new Response(JSON.stringify(value), {headers: {'Content-Type': 'application/json'}});

let known = null;  // the complete caches, read again after anything changes them
async function complete() {
  if (!known) {
    known = (async () => {
      const found = [];
      for (const name of await caches.keys()) {
        const parsed = Protocol.parseCacheName(name);
        const mark = parsed && (await caches.match(Protocol.DONE, {cacheName: name}));
        if (mark) found.push(Object.assign(await mark.json(), {name}, parsed));
      }
      return found;
    })();
  }
  return known;
}
const forget = () => { known = null; };

async function failures() {
  const found = await caches.match(Protocol.FAILURES, {cacheName: Protocol.STATE});
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
  await (await caches.open(Protocol.STATE)).put(Protocol.FAILURES, json(all));
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
  if (self.CompressionStream && Protocol.compressible(headers.get('Content-Type'))) {
    blob = await new Response(blob.stream().pipeThrough(new CompressionStream('gzip'))).blob();
    headers.set(Protocol.STORED, 'gzip');
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
  if ((await Protocol.digestOf(raw)) !== digest) throw new SaveError('changed');
  const paths = Protocol.pagesOf(new TextDecoder().decode(raw));
  return {bytes: await store(cache, url, raw, headersFrom(response)), paths};
}

async function saveFile(cache, url, digest, reusable) {
  if (reusable[url]) return copy(reusable[url], url, cache);
  const response = await download(url);
  const raw = await response.arrayBuffer();
  if ((await Protocol.digestOf(raw)) !== digest) throw new SaveError('changed');
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
  const name = Protocol.cacheName(PACK.version, locale, province);
  if (await caches.match(Protocol.DONE, {cacheName: name})) return;
  const parts = province ? Protocol.later(PACK, locale)[province] : PACK.locales[locale];
  const files = province ? [] : Object.entries(PACK.files);
  // What an older complete version already holds is copied, not downloaded.
  const reusable = Protocol.reusable(await complete(), PACK.version, locale, files.map(([url]) => url));
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
          const saved = await savePart(cache, part, reusable.parts);
          saved.paths.forEach((path) => { pages[path] = part[1]; });
          n += saved.bytes;
        }
        return n;
      })(),
      ...files.map(([url, [digest]]) => saveFile(cache, url, digest, reusable.files)),
    ]);
    sizes.forEach((n) => { bytes += n; });
    await cache.put(Protocol.DONE, json({locale, province: province || '', savedAt: Date.now(), bytes,
                                         parts: parts.map((p) => p[1]), files: files.map(([url]) => url), pages}));
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

// The page has just asked the server and this version is still the newest.
async function confirmed() {
  for (const c of await complete()) {
    if (c.version !== PACK.version) continue;
    const cache = await caches.open(c.name);
    const mark = await (await cache.match(Protocol.DONE)).json();
    mark.checkedAt = Date.now();
    await cache.put(Protocol.DONE, json(mark));
  }
  forget();
}

async function status() {
  return Protocol.status(await complete(), PACK, await failures());
}
