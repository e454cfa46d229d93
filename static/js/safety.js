/* Mitta safety, deferred: the theme toggle and "Remove Mitta from this phone". The theme itself
   and quick exit are static/js/quick-exit.js, inlined in <head> so they work before this file
   arrives. Without JavaScript the quick exit button is still a plain link to the neutral site,
   and the remove form still posts. */
(function () {
  "use strict";
  var root = document.documentElement;
  var THEME_KEY = "mitta.theme";  // static/js/quick-exit.js applies it before the first paint
  var exit = window.MittaQuickExit;

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
    if (!exit.begin()) return;
    var link = exit.link();
    removeEverything()
      .then(function () { return askServerToForget(form); })
      .then(function () {
        // Like quick exit, except that offline our neutral page is gone with everything else.
        if (!navigator.onLine || !link) return exit.leave("about:blank");
        exit.leave(exit.standalone() ? link.getAttribute("data-neutral") : link.href);
      }, function () { exit.leave("about:blank"); });
  });

  setupThemeToggles();  // deferred: the page is parsed
}());
