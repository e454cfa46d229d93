// Search as you type, from the index shipped with the app: no request per keystroke, and it
// works offline. normalize() and search() follow the spec in server/search.py, so both give the
// same answers (tests/cases/search.json runs against both); the spelling-variants table comes from
// the page (data-variants), written by the server from that one table.
var MittaSearch = (function () {
  "use strict";
  var variants = {};

  function normalize(text) {
    text = text.normalize("NFC").replace(/[\u200B-\u200D\u2060\uFEFF]/g, "")
      .split("\u17D2\u178A").join("\u17D2\u178F")    // subscript DA is typed for subscript TA
      .split("\u17C1\u17B8").join("\u17BE").split("\u17C1\u17B6").join("\u17C4");   // េ+ី, េ+ា
    Object.keys(variants).forEach(function (v) { text = text.split(v).join(variants[v]); });
    // Python's str.split() also splits on \x1c-\x1f and \x85, which \s does not cover.
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC")
      .toLowerCase().split("\u0111").join("d")   // Vietnamese đ (no decomposition) is typed d
      .split(/[\s\x1c-\x1f\x85]+/).filter(Boolean).join(" ");
  }

  var KHMER = /[\u1780-\u17FF\u19E0-\u19FF]/;

  // A query word made ready once per keystroke, for every entry (rules 5 and 6 of server/search.py):
  // "whole" finds it where no Latin letter or digit touches it, in one scan of native code.
  function prepare(word) {
    return { text: word, khmer: KHMER.test(word), long: Array.from(word).length > 3,   // code points, as Python
             whole: new RegExp("(?:^|[^a-z0-9])" + word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "(?![a-z0-9])") };
  }

  // 2: as a word, 1: only inside other words, 0: not found. Most entries do not hold the word:
  // one scan, as before word boundaries.
  function found(w, terms) {
    if (terms.indexOf(w.text) < 0) return 0;
    if (w.khmer || w.whole.test(terms)) return 2;
    return w.long ? 1 : 0;
  }

  // null when some word is missing; else whether some word is found only inside other words.
  function match(words, terms) {
    var inside = false;
    for (var i = 0; i < words.length; i++) {
      var how = found(words[i], terms);
      if (!how) return null;
      inside = inside || how === 1;
    }
    return inside;
  }

  function search(index, query) {
    var q = normalize(query.slice(0, 200));
    var words = q.split(" ").filter(Boolean).map(prepare);
    if (!words.length) return [];
    // A national service also answers a query naming a province (server/search.py says why).
    var provinces = index.filter(function (doc) { return doc.kind === "province"; });
    var rest = words.filter(function (w) {
      return !provinces.some(function (doc) { return found(w, doc.terms); });
    });
    var ranked = [];
    index.forEach(function (doc, position) {
      var rank, inside = match(words, doc.terms);
      if (inside !== null) {
        rank = doc.names.indexOf(q) >= 0 ? 0
          : doc.names.some(function (n) { return n.indexOf(q) >= 0; }) ? 1 : 2;
      } else if (doc.everywhere && rest.length && (inside = match(rest, doc.terms)) !== null) {
        rank = 3;
      } else {
        return;
      }
      ranked.push([inside ? 1 : 0, rank, position, doc]);
    });
    ranked.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return ranked.slice(0, 30).map(function (r) { return r[3]; });
  }

  return { normalize: normalize, search: search, setVariants: function (table) { variants = table; } };
})();

(function () {
  "use strict";
  var form = document.querySelector("[data-search-form]");
  var out = document.querySelector("[data-search-results]");
  if (!form || !out || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var index = null;
  MittaSearch.setVariants(JSON.parse(out.getAttribute("data-variants") || "{}"));

  function render(query) {
    if (!query.trim()) { out.replaceChildren(); return; }
    var results = MittaSearch.search(index, query);
    var heading = document.createElement("h2");
    if (!results.length) {
      // No result: emergency numbers first, then every category, as the server page does.
      heading.textContent = out.getAttribute("data-none-label");
      results = [{ url: "/" + document.documentElement.lang + "/emergency/", title: out.getAttribute("data-emergency-label") }]
        .concat(index.filter(function (doc) { return doc.kind === "category"; }));
    } else {
      heading.textContent = out.getAttribute("data-count-label");
    }
    var list = document.createElement("ul");
    list.className = "result-list";
    results.forEach(function (doc) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = doc.url;
      a.textContent = doc.title;
      li.appendChild(a);
      if (doc.summary) {
        var span = document.createElement("span");
        span.className = "muted";
        span.textContent = " " + doc.summary;
        li.appendChild(span);
      }
      list.appendChild(li);
    });
    out.replaceChildren(heading, list);
  }

  // The index comes in documents (national, then each province's own services), none of which
  // grows with the whole directory; they are joined in that order once all have answered. One
  // that cannot be had (offline, its province not saved) is left out.
  var urls = out.getAttribute("data-index").split(" ");
  var shards = urls.map(function () { return null; });
  var waiting = urls.length;

  function settled() {
    if (--waiting) return;
    if (!shards[0]) return;  // no national index: the form still submits to the server
    index = [].concat.apply([], shards.filter(Boolean));
    input.addEventListener("input", function () {
      render(input.value);
      // Keep the address in step, so Back and a reload show the same results (no server request).
      history.replaceState(null, "", input.value ? "?q=" + encodeURIComponent(input.value) : location.pathname);
    });
    var q = new URLSearchParams(location.search).get("q");
    if (q && !out.children.length) { input.value = q; render(q); }
  }

  urls.forEach(function (url, position) {
    fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url);
      return r.json();
    }).then(function (docs) { shards[position] = docs; }).catch(function () {}).then(settled);
  });
})();
