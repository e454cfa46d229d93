/* Mitta's first script: the chosen theme and quick exit. Inlined in every page's <head> (its hash
   is in the CSP; server/critical.py), so both work before any file has arrived: the theme applies
   before the first paint and quick exit leaves even while the rest is still loading on 2G. Saved
   copies link it instead. static/js/safety.js (deferred) uses MittaQuickExit for "Remove Mitta". */
(function () {
  "use strict";
  var root = document.documentElement;
  try {
    var saved = localStorage.getItem("mitta.theme");
    if (saved === "dark" || saved === "light") root.setAttribute("data-theme", saved);
  } catch (e) { /* storage blocked: follow the phone */ }

  function standalone() {
    return navigator.standalone === true || (window.matchMedia &&
      window.matchMedia("(display-mode: standalone), (display-mode: fullscreen), (display-mode: minimal-ui)").matches);
  }
  // replace(): the page we leave is taken out of the history, so Back cannot return to it.
  function leave(url) { window.location.replace(url); }
  function exitLink() { return document.getElementById("quick-exit"); }

  function exitTarget() {
    var link = exitLink();
    var online = link ? link.href : "about:blank";
    var own = (link && link.getAttribute("data-neutral")) || "about:blank";
    if (navigator.onLine && !standalone()) return Promise.resolve(online);
    if (navigator.onLine) return Promise.resolve(own); // installed app: stay in its window
    // Offline: our neutral page if this phone saved it, else a blank page (never an error page
    // that names our address).
    if (!window.caches) return Promise.resolve("about:blank");
    return isSaved(own).then(function (yes) { return yes ? own : "about:blank"; },
                             function () { return "about:blank"; });
  }

  // Whether the phone saved `path`: a file on its own, or a page inside a saved part, which a
  // complete copy's completion marker lists (service_worker/sw.js).
  function isSaved(path) {
    return caches.match(path).then(function (hit) {
      if (hit) return true;
      return caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) {
          return caches.match("/__mitta/done", {cacheName: name}).then(function (done) {
            return done ? done.json().then(function (mark) { return Boolean(mark.pages && mark.pages[path]); }) : false;
          });
        }));
      }).then(function (found) { return found.indexOf(true) >= 0; });
    });
  }

  var exiting = false;
  if (navigator.serviceWorker) {
    // Once we are leaving, nothing may bring the page back: clearing the site's data takes its
    // service worker away, and a reload on that change (static/js/offline.js) would show Mitta
    // again. This script runs first, so it can stop that listener.
    navigator.serviceWorker.addEventListener("controllerchange", function (event) {
      if (exiting) event.stopImmediatePropagation();
    });
  }

  function say(key) {
    // The status line is a live region: a screen reader hears each change. Visible while it
    // counts Shift presses; for screen readers only once the page is blank.
    var line = document.querySelector("[data-quick-exit-status]");
    if (line) line.textContent = key ? line.getAttribute("data-" + key) || "" : "";
  }

  // Blank the screen at once, before the next page has even started to load. False if already leaving.
  function begin() {
    if (exiting) return false;
    exiting = true;
    // Silence first: a recording or the phone's voice must not go on speaking (static/js/listen.js).
    try { if (window.speechSynthesis) window.speechSynthesis.cancel(); } catch (e) { /* none */ }
    Array.prototype.forEach.call(document.getElementsByTagName("audio"), function (a) { a.pause(); });
    say("leaving");
    root.classList.add("quick-exit-blank");
    return true;
  }

  function quickExit() {
    if (begin()) exitTarget().then(leave, function () { leave("about:blank"); });
  }

  // A page that comes back from the back/forward cache must be usable again, not blank and not
  // half-way through a Shift count.
  window.addEventListener("pageshow", function () {
    exiting = false;
    presses = [];
    clearTimeout(expiry);
    root.classList.remove("quick-exit-blank");
    say("");
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link || event.button !== 0) return;
    event.preventDefault();
    quickExit();
  });

  // Shift pressed three times within five seconds. Shift held while typing another key (a capital
  // letter) does not count, and any other key starts the count again.
  // Each counted press says how many are left; the count (and the words) lapse after 5 s.
  var WINDOW = 5000;
  var presses = [];
  var shiftAlone = false;
  var expiry = null;

  function recount() {
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t <= WINDOW; });
    clearTimeout(expiry);
    if (exiting) return;
    say(["", "two-more", "one-more"][presses.length] || "");
    if (presses.length) expiry = setTimeout(recount, presses[0] + WINDOW - now + 1);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) shiftAlone = true;
      return;
    }
    shiftAlone = false;
    if (presses.length) {
      presses = [];
      recount();
    }
  }, true);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone) return;
    shiftAlone = false;
    presses.push(Date.now());
    recount();
    if (presses.length >= 3) quickExit();
  }, true);

  window.MittaQuickExit = {begin: begin, leave: leave, standalone: standalone, link: exitLink};
}());
