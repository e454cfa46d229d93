/* The offline protocol on the phone: what the pack (server/pack.py) promises this worker, the
   same rules as server/protocol.py, with one table of cases (tests/cases/protocol.json) run
   against both. No caches, no network: plain functions of their arguments, so Node runs the
   cases too (tests/test_protocol.py).

   A part is a JSON object {path: [content type, text]}, named by its digest (the first 16 hex
   digits of SHA-256). Each version and language is one cache, "mitta-<version>-<locale>"; a
   province saved later, "mitta-<version>-<locale>-<province>". A cache is read only once its
   completion mark (DONE) is written: {locale, province, savedAt, checkedAt, bytes, parts, files,
   pages}, `pages` saying which part holds each page. */
'use strict';

var Protocol = (function () {
  const NAME = /^mitta-([0-9a-f]{16})-([a-z]{2,3})(?:-([a-z0-9-]+))?$/;

  const P = {
    DONE: '/__mitta/done',
    STATE: 'mitta-state',           // a cache of its own: why the last save failed, per language
    FAILURES: '/__mitta/failures',
    STORED: 'X-Mitta-Stored',       // "gzip" on a body this worker compressed
    MESSAGES: ['STATUS', 'SAVE', 'CONFIRMED', 'SKIP_WAITING'],
    STATUS_FIELDS: ['version', 'saved', 'provinces', 'later', 'bytes', 'failed'],
    REASONS: ['lost', 'space', 'changed', 'failed', 'removed'],
  };

  P.compressible = (type) => /^text\/|json|javascript/.test((type || '').split(';')[0].trim());
  P.partUrl = (digest) => `/offline-pack/${digest}.json`;
  P.moduleUrl = (digest, name) => `/sw/${digest}/${name}`;
  P.cacheName = (version, locale, province) => `mitta-${version}-${locale}${province ? `-${province}` : ''}`;
  P.parseCacheName = (name) => {
    const match = NAME.exec(name);
    return match ? {version: match[1], locale: match[2], province: match[3] || ''} : null;
  };
  P.hex = (bytes) => Array.from(new Uint8Array(bytes).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
  P.digestOf = async (bytes) => P.hex(await crypto.subtle.digest('SHA-256', bytes));
  // The language a path is in: its first segment, when the pack has that language.
  P.localeOf = (pathname, locales) => {
    const first = pathname.split('/')[1];
    return Object.prototype.hasOwnProperty.call(locales, first) ? first : null;
  };
  // The provinces this version saves apart, per language.
  P.later = (pack, locale) => (pack.provinces && pack.provinces[locale]) || {};
  // The pages a part holds, from its text.
  P.pagesOf = (text) => Object.keys(JSON.parse(text));

  // Where to look for a path among the complete caches: this version first, its own language
  // first, then older versions, newest first.
  P.readOrder = (complete, version, locale) => {
    const rank = (c) => (c.version === version ? 0 : 2) + (c.locale === locale ? 0 : 1);
    return complete.slice().sort((a, b) => rank(a) - rank(b) || b.savedAt - a.savedAt);
  };

  // What older complete versions already hold for a save of `locale` with `files`: parts by
  // digest ({name, pages}) and files by URL (the cache's name), copied instead of downloaded.
  P.reusable = (complete, version, locale, files) => {
    const parts = {};
    const held = {};
    for (const c of complete) {
      if (c.version === version) continue;
      if (c.locale === locale) {
        const pages = {};
        Object.entries(c.pages || {}).forEach(([path, digest]) => { (pages[digest] = pages[digest] || []).push(path); });
        c.parts.forEach((digest) => { if (pages[digest]) parts[digest] = {name: c.name, pages: pages[digest]}; });
      }
      files.forEach((url) => { if (c.files.includes(url)) held[url] = c.name; });
    }
    return {parts, files: held};
  };

  // The caches activating `pack` deletes: every older one that is incomplete, or whose
  // language (or province still kept apart) this version has complete. A language's only
  // complete copy is never lost.
  P.stale = (names, complete, pack) => {
    const current = new Set(complete.filter((c) => c.version === pack.version).map((c) => `${c.locale} ${c.province}`));
    return names.filter((name) => {
      const c = P.parseCacheName(name);
      if (!c || c.version === pack.version) return false;
      // A province this version no longer keeps apart is in its language's first save.
      const key = `${c.locale} ${c.province in P.later(pack, c.locale) ? c.province : ''}`;
      return !complete.some((d) => d.name === name) || current.has(key);
    });
  };

  // What the worker answers every message with: per language, the copy that answers (this
  // version's, else the newest older one); where the whole country did not fit, which provinces
  // the saved copies hold (those of the first save and those saved since) and which this version
  // keeps apart; the bytes kept; why the last save failed.
  P.status = (complete, pack, failed) => {
    const saved = {};
    const provinces = {};
    const seen = new Set();
    let bytes = 0;
    for (const c of P.readOrder(complete, pack.version, null)) {
      const key = `${c.locale} ${c.province}`;
      if (seen.has(key)) continue;
      seen.add(key);
      bytes += c.bytes;
      if (c.province) {
        (provinces[c.locale] = provinces[c.locale] || []).push(c.province);
        continue;
      }
      saved[c.locale] = {savedAt: c.savedAt, checkedAt: c.checkedAt, bytes: c.bytes, current: c.version === pack.version};
      (provinces[c.locale] = provinces[c.locale] || []).push(...((pack.first || {})[c.locale] || []));
    }
    const later = {};
    Object.keys(pack.locales).forEach((l) => { later[l] = Object.keys(P.later(pack, l)); });
    return {version: pack.version, saved, provinces, later, bytes, failed};
  };

  return P;
})();

if (typeof module === 'object') module.exports = Protocol;
