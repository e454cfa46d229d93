/* Mitta safety: theme, quick exit, "remove from this phone".
   Loaded in <head> without defer so the chosen theme applies before the first paint (no flash);
   everything else waits for the page or listens on the document. Without JavaScript the quick
   exit button is still a plain link to the neutral site, and the remove form still posts. */
(function () {
  "use strict";
  var root = document.documentElement;
  var THEME_KEY = "mitta.theme";

  // --- Theme: follow the phone unless the person chose one here.
  try {
    var saved = localStorage.getItem(THEME_KEY);
    if (saved === "dark" || saved === "light") root.setAttribute("data-theme", saved);
  } catch (e) { /* storage blocked: follow the phone */ }

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function setupThemeToggles() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-needs-script]"), function (el) {
      el.hidden = false;
    });
    var toggles = document.querySelectorAll("[data-theme-toggle]");
    Array.prototype.forEach.call(toggles, function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", String(isDark()));
      button.addEventListener("click", function () {
        var next = isDark() ? "light" : "dark";
        root.setAttribute("data-theme", next);
        try { localStorage.setItem(THEME_KEY, next); } catch (e) { /* still applies now */ }
        Array.prototype.forEach.call(toggles, function (b) { b.setAttribute("aria-pressed", String(next === "dark")); });
      });
    });
  }

  // --- Quick exit.
  function standalone() {
    return navigator.standalone === true || (window.matchMedia &&
      window.matchMedia("(display-mode: standalone), (display-mode: fullscreen), (display-mode: minimal-ui)").matches);
  }

  function blank() {
    // Hide everything at once, before the next page has even started to load.
    root.classList.add("quick-exit-blank");
  }

  function leave(url) {
    // replace(): the page we leave is taken out of the history, so Back cannot return to it.
    window.location.replace(url);
  }

  function exitLink() {
    return document.getElementById("quick-exit");
  }

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
    // again. This script runs first (it is not deferred), so it can stop that listener.
    navigator.serviceWorker.addEventListener("controllerchange", function (event) {
      if (exiting) event.stopImmediatePropagation();
    });
  }

  function status() {
    return document.querySelector("[data-quick-exit-status]");
  }

  function say(key) {
    // The status line is a live region: a screen reader hears each change. Visible while it
    // counts Shift presses; for screen readers only once the page is blank.
    var line = status();
    if (line) line.textContent = key ? line.getAttribute("data-" + key) || "" : "";
  }

  function quickExit() {
    if (exiting) return;
    exiting = true;
    say("leaving");
    blank();
    exitTarget().then(leave, function () { leave("about:blank"); });
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

  // --- Remove Mitta from this phone.
  function deleteDatabases() {
    if (!window.indexedDB || !indexedDB.databases) return Promise.resolve();
    return indexedDB.databases().then(function (dbs) {
      return Promise.all(dbs.map(function (db) {
        return new Promise(function (done) {
          var request = indexedDB.deleteDatabase(db.name);
          request.onsuccess = request.onerror = request.onblocked = function () { done(); };
        });
      }));
    });
  }

  function deleteCaches() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) { return caches.delete(key); }));
    });
  }

  function unregisterWorkers() {
    if (!navigator.serviceWorker) return Promise.resolve();
    return navigator.serviceWorker.getRegistrations().then(function (registrations) {
      return Promise.all(registrations.map(function (r) { return r.unregister(); }));
    });
  }

  function settle(promise) {
    return promise.then(function () {}, function () {});
  }

  function clearStorage() {
    try { localStorage.clear(); } catch (e) { /* nothing stored */ }
    try { sessionStorage.clear(); } catch (e) { /* nothing stored */ }
  }

  function removeEverything() {
    clearStorage();
    // The worker first, so it cannot save pages again; then the caches, twice, in case a download
    // it had started was still writing; then the page's storage again, in case a script of ours
    // noted something (offline.js's last update check) while all that was under way.
    return settle(unregisterWorkers())
      .then(function () { return Promise.all([settle(deleteCaches()), settle(deleteDatabases())]); })
      .then(function () { return settle(deleteCaches()); })
      .then(clearStorage);
  }

  function askServerToForget(form) {
    // Clear-Site-Data from our server also empties the browser's own HTTP cache, which no script
    // can reach. Offline this simply fails; what the phone stored is gone already.
    if (!navigator.onLine || !window.fetch) return Promise.resolve();
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 3000);
    return settle(fetch(form.action, {
      method: "POST", redirect: "manual", cache: "no-store", credentials: "same-origin",
      // Our own address in Origin (under the pages' no-referrer policy it would be "null"), so the
      // server can tell this request from another site's.
      referrerPolicy: "same-origin",
      signal: controller ? controller.signal : undefined,
    })).then(function () { clearTimeout(timer); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-remove")) return;
    event.preventDefault();
    if (exiting) return;
    exiting = true;
    say("leaving");
    blank();
    var link = exitLink();
    removeEverything()
      .then(function () { return askServerToForget(form); })
      .then(function () {
        // Like quick exit, except that offline our neutral page is gone with everything else.
        if (!navigator.onLine || !link) return leave("about:blank");
        leave(standalone() ? link.getAttribute("data-neutral") : link.href);
      }, function () { leave("about:blank"); });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupThemeToggles);
  } else {
    setupThemeToggles();
  }
}());
