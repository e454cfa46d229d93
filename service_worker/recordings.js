/* Recordings on the phone: the service worker's part of Listen (static/js/listen.js saves them).

   Saved recordings live in "mitta-recordings-<locale>", apart from the versioned pack caches, so
   a new version of Mitta keeps them (sw.js deletes only caches it named) and "Remove Mitta"
   deletes them with everything else. A clip's URL names its version (server/listen.py), so a
   saved one is never stale. Imported by sw.js before its own fetch listener: a clip is answered
   here, from the saved copy if any, else from the network as it is. <audio> asks for ranges, so a
   saved clip is cut to the range asked (206). */
'use strict';

(() => {
  const CLIP = /^\/audio\/[0-9a-f]+\/[a-z0-9.-]+\.m4a$/;
  const SAVED = 'mitta-recordings-';

  async function savedClip(url) {
    for (const name of await caches.keys()) {
      if (!name.startsWith(SAVED)) continue;
      const hit = await (await caches.open(name)).match(url);
      if (hit) return hit;
    }
    return null;
  }

  async function ranged(response, range) {
    const match = range && /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (!match) return response;
    const body = await response.arrayBuffer();
    const size = body.byteLength;
    let start = match[1] === '' ? size - Number(match[2]) : Number(match[1]);
    let end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    start = Math.max(0, start);
    if (start > end || start >= size) {
      return new Response(null, {status: 416, headers: {'Content-Range': `bytes */${size}`}});
    }
    return new Response(body.slice(start, end + 1), {status: 206, headers: {
      'Content-Type': response.headers.get('Content-Type') || 'audio/mp4',
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': String(end - start + 1),
      'Accept-Ranges': 'bytes',
    }});
  }

  async function answer(request) {
    const saved = await savedClip(request.url);
    return saved ? ranged(saved, request.headers.get('Range')) : fetch(request);
  }

  self.addEventListener('fetch', (event) => {
    const url = new URL(event.request.url);
    if (event.request.method !== 'GET' || url.origin !== self.location.origin || !CLIP.test(url.pathname)) return;
    event.stopImmediatePropagation();   // sw.js's listener, registered after this one, stays out
    event.respondWith(answer(event.request));
  });
})();
