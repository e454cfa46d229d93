/* Answering, for sw.js: a saved page or file from the complete caches (store.js), this version's
   first. A page is answered by decompressing and parsing its part (DecompressionStream); the
   last few parts stay in memory, so the next page from the same part costs nothing. Offline, a
   page not saved gets the saved offline page of its language. */
'use strict';

function unpacked(hit, type) {
  const headers = new Headers(hit.headers);
  const packed = headers.get(Protocol.STORED) === 'gzip';
  headers.delete(Protocol.STORED);
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
      const hit = await caches.match(Protocol.partUrl(digest), {cacheName: name});
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
  for (const c of Protocol.readOrder(await complete(), PACK.version, locale)) {
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

async function offline(url) {
  const saved = await complete();
  if (!saved.length) return Response.error();
  const locale = Protocol.localeOf(url.pathname, PACK.locales) || Protocol.readOrder(saved, PACK.version, null)[0].locale;
  if (url.pathname === '/') return Response.redirect(`/${locale}/`, 302);
  return (await fromSaved(`/${locale}/offline/`, locale)) || Response.error();
}

async function answer(request, url) {
  // A saved page or file is always answered from a saved version, online or not, so a page and
  // everything it uses come from the same version.
  const locale = Protocol.localeOf(url.pathname, PACK.locales);
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
