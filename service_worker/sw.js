/* Mitta's service worker: keeps every page of the reader's language on the phone.

   Its configuration, PACK, comes from /sw-pack.js, which the server generates from the offline
   pack (server/pack.py): the version; per language, the parts that hold its pages; the static
   files, each at a URL that names its digest; and the modules below, each at a URL that names
   their digest (server/offline.py WORKER_MODULES), so a changed module is a changed /sw-pack.js
   and the browser installs the new version:
   - protocol.js: what the pack promises this worker (cache names, parts, the status message);
   - store.js: saving a language or province into a cache read only once complete;
   - answer.js: answering a request from what is saved.

   Each version and language is one cache; an older version's cache is deleted only when this
   version has the same language complete, so a language's only complete copy is never lost;
   until then it keeps answering. */
'use strict';

importScripts('/sw-pack.js');
importScripts(...PACK.modules);

// An update saves every language an older version saved before it takes over; if that cannot
// complete, installing fails and the old version goes on answering.
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const done = await complete();
    const locales = [...new Set(done.map((c) => c.locale))].filter((l) => l in PACK.locales);
    for (const locale of locales) {
      await saveOnce(locale);
      // And every province saved later that this version still keeps apart.
      const apart = Protocol.later(PACK, locale);
      const provinces = new Set(done.filter((c) => c.locale === locale && c.province in apart).map((c) => c.province));
      for (const province of provinces) await saveOnce(locale, province);
    }
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    forget();
    for (const name of Protocol.stale(await caches.keys(), await complete(), PACK)) await caches.delete(name);
    forget();
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Other origins and anything but reading are left to the network, and never saved.
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(answer(request, url));
});

// Messages from static/js/offline.js (Protocol.MESSAGES); each answers with the status on the
// port it was given.
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
        if (province in Protocol.later(PACK, locale)) await saveOnce(locale, province);
      }
    }) : Promise.resolve()),
    CONFIRMED: confirmed,
  }[type];
  if (!work || !event.ports[0]) return;
  event.waitUntil(work().catch(() => null).then(status).then((s) => event.ports[0].postMessage(s)));
});
