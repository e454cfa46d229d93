/* Offline, updates and install, as the reader sees them in #offline-status.

   Registers the service worker once the page has loaded (so saving never delays the first
   paint), asks it to save this page's language, and shows: saving / saved — N KB / offline since
   DATE / old-information notice / why saving stopped, with Try again / "New information
   available — tap to update" / Install.

   A failed save is retried with back-off (1, 4, 16… minutes, at most daily), not on every page;
   Try again retries at once. New versions are looked for when the app opens and when it comes
   back to the foreground after an hour; one that is ready is applied at once if the reader has
   not touched the page yet (as svgomg does), else offered with the update button.
   The words come from /<locale>/offline/messages.json (saved with the pack). Without JavaScript
   or without service workers nothing here runs and every page works as before.
   One idea in about 350 lines: the one status area, whose lines and buttons all come from the
   same state (the worker's status, the connection, a waiting update), so they cannot disagree. */
(function () {
  'use strict';
  var box = document.getElementById('offline-status');
  if (!box || !('serviceWorker' in navigator) || !window.caches || !window.MessageChannel) return;

  var sw = navigator.serviceWorker;
  var locale = document.documentElement.lang;
  // Where the whole country does not fit a first visit, opening a province, or the page of a
  // service that works in some (data-offline-provinces), saves them.
  var serves = document.querySelector('[data-offline-provinces]');
  var provinces = serves ? serves.getAttribute('data-offline-provinces').split(' ') :
    [(/^\/[a-z]+\/province\/([a-z0-9-]+)\//.exec(location.pathname) || [])[1]].filter(Boolean);
  var MINUTE = 60 * 1000;
  var HOUR = 60 * MINUTE;
  var DAY = 24 * HOUR;
  var CHECKED = 'mitta-checked-at';
  var ua = navigator.userAgent;
  var inApp = /FBAN|FBAV|FB_IAB|FBIOS|Messenger|Telegram|\bLine\//i.test(ua);
  var iosSafari = !inApp && /iPhone|iPad|iPod/.test(ua) && /Safari\//.test(ua) &&
    !/CriOS|FxiOS|EdgiOS|OPiOS/.test(ua) && !navigator.standalone;

  var state = {words: null, reg: null, status: null, saving: false, unreachable: false, install: null};
  // The offline page answering for another address is the worker's answer to a page it could
  // not fetch: proof the server is out of reach, even while navigator.onLine says otherwise
  // (data used up, Wi-Fi without internet).
  var fallback = document.querySelector('[data-offline-fallback]');
  state.unreachable = Boolean(fallback && fallback.getAttribute('data-offline-fallback') !== location.pathname);
  var hadController = Boolean(sw.controller);
  var tapped = false;
  var touched = false;
  var reloading = false;
  var applying = false;

  function words(key, values) {
    return state.words[key].replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  // One line or button of the status area.
  function line(className, text) { return {className: 'offline-line ' + className, text: text}; }
  function button(className, text, onClick) {
    return {className: 'button ' + className, text: text, onClick: onClick};
  }

  // A line or button that is already shown stays the same element, so a button keeps its focus
  // and is never swapped for an identical one under the reader's finger.
  function draw(parts) {
    var keep = {};
    Array.prototype.forEach.call(box.children, function (node) { keep[node.dataset.key] = node; });
    var nodes = parts.map(function (part) {
      var key = part.className + '|' + part.text;
      if (keep[key]) return keep[key];
      var node = document.createElement(part.onClick ? 'button' : 'p');
      node.dataset.key = key;
      node.className = part.className;
      node.textContent = part.text;
      if (part.onClick) {
        node.type = 'button';
        node.addEventListener('click', part.onClick);
      }
      return node;
    });
    // Remove what went, then insert what is new: a node that stays is never moved, so it keeps
    // its focus.
    Array.prototype.slice.call(box.children).forEach(function (node) {
      if (nodes.indexOf(node) < 0) node.remove();
    });
    nodes.forEach(function (node, i) {
      if (box.children[i] !== node) box.insertBefore(node, box.children[i] || null);
    });
  }

  function formatDate(when) {
    var w = state.words;
    return w.date_pattern.replace(/MMMM|d+|y+/g, function (token) {
      if (token === 'MMMM') return w.months[when.getMonth()];
      return String(token[0] === 'd' ? when.getDate() : when.getFullYear());
    });
  }

  function kb(bytes) {
    return new Intl.NumberFormat(locale).format(Math.ceil((bytes || 0) / 1024));
  }

  function failed() {
    return state.status && state.status.failed && state.status.failed[locale];
  }

  // After the n-th failure in a row, wait 4^(n-1) minutes (at most a day) before trying again
  // by itself: a phone that cannot save is not made to download everything on every page.
  function mayRetry(failure) {
    return !failure || Date.now() - failure.at >= Math.min(MINUTE * Math.pow(4, failure.attempts - 1), DAY);
  }

  function savedDate(saved) {
    var mark = saved[locale] || saved[Object.keys(saved)[0]];
    return mark && new Date(mark.checkedAt || mark.savedAt);
  }

  function render() {
    if (!state.words) return;
    var parts = [];
    var saved = state.status ? state.status.saved : {};
    var when = savedDate(saved);
    var offline = !navigator.onLine || state.unreachable;
    if (offline && when) {
      var date = formatDate(when);
      parts.push(line('offline-off', words('offline', {date: date})));
    } else if (state.saving) {
      parts.push(line('offline-saving', words('saving', {})));
    } else if (saved[locale] && ((state.status.later || {})[locale] || []).length) {
      // Not the whole country: say which provinces a phone without a connection has.
      var names = ((state.status.provinces || {})[locale] || []).map(function (slug) {
        return state.words.provinces[slug] || slug;
      });
      parts.push(line('offline-saved', words('partial', {size: kb(state.status.bytes), provinces: names.join(', ')})));
    } else if (saved[locale]) {
      parts.push(line('offline-saved', words('saved', {size: kb(state.status.bytes)})));
    }
    var failure = failed();
    if (failure && !state.saving) {
      parts.push(line('offline-failed', failure.reason === 'space' ?
        words('space', {size: kb(failure.need)}) : words(failure.reason in state.words ? failure.reason : 'failed', {})));
      parts.push(button('offline-retry', words('retry', {}), retry));
    }
    if (when && Date.now() - when.getTime() > 90 * DAY) {
      parts.push(line('offline-old', words('old', {})));
    }
    if ((state.reg && state.reg.waiting && sw.controller) || state.applied) {
      parts.push(button('offline-update', words('update', {}), update));
    }
    if (state.install) {
      parts.push(button('button-secondary offline-install', words('install', {}), install));
    } else if (inApp) {
      parts.push(line('offline-hint', words('inapp', {})));
    } else if (iosSafari) {
      parts.push(line('offline-hint', words('ios', {})));
    }
    // Redraw only what changed: a live region re-reads whatever is replaced, and a button
    // replaced under a finger or keyboard focus would be lost.
    var drawn = parts.map(function (part) { return part.className + '|' + part.text; }).join('\n');
    if (drawn !== state.drawn) {
      state.drawn = drawn;
      draw(parts);
    }
  }

  // Ask the active service worker something; it answers with its status. Not once a new version
  // has been told to take over: the browser swaps workers only when the old one has been idle,
  // and every message wakes it for another half-minute (Chromium), so the correction would wait.
  function ask(type) {
    if (applying && state.status) return Promise.resolve(state.status);
    return sw.ready.then(function (reg) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) { resolve(event.data); };
        reg.active.postMessage({type: type, locale: locale, provinces: provinces}, [channel.port2]);
      });
    }).then(function (status) {
      state.status = status;
      render();
      return status;
    });
  }

  function saveThisLanguage(now) {
    return ask('STATUS').then(function (status) {
      var mine = status.saved[locale];
      var wanted = provinces.some(function (province) {
        return ((status.later || {})[locale] || []).indexOf(province) >= 0 &&
          ((status.provinces || {})[locale] || []).indexOf(province) < 0;
      });
      if ((mine && mine.current && !wanted) || exiting()) return status;
      // Airplane mode: nothing to try; going online tries (the 'online' listener below).
      if (!navigator.onLine || (!now && !mayRetry(status.failed[locale]))) return status;
      state.saving = true;
      render();
      return ask('SAVE');
    }).then(function (status) {
      state.saving = false;
      render();
      if (status.saved[locale] && navigator.storage && navigator.storage.persist) {
        navigator.storage.persist().catch(function () {});
      }
    });
  }

  // Try again: this language's save now, or an update that could not be saved.
  function retry() {
    var failure = failed();
    var active = state.reg && state.reg.active;
    if (failure && failure.version && state.status && failure.version !== state.status.version && active) {
      check(true);
    } else {
      saveThisLanguage(true);
    }
  }

  // Quick exit or "Remove Mitta" under way (static/js/quick-exit.js blanks the page first): start
  // nothing that would register, save or note a check again behind it.
  function exiting() {
    return document.documentElement.classList.contains('quick-exit-blank');
  }

  function lastCheck(value) {
    try {
      if (value) window.sessionStorage.setItem(CHECKED, String(value));
      return Number(window.sessionStorage.getItem(CHECKED)) || 0;
    } catch (error) {
      return 0;
    }
  }

  // Is there a newer version? Also tells us whether the server can be reached. Runs when the
  // app opens (the first page of a visit) and when it comes back after an hour, not on every
  // page: sw.js and its configuration are fresh for an hour in the HTTP cache anyway.
  function check(now) {
    var reg = state.reg;
    if (!reg || !reg.active || exiting()) return;
    if (!now && Date.now() - lastCheck() < HOUR) return;
    lastCheck(Date.now());
    reg.update().then(function () {
      state.unreachable = false;
      follow(reg.installing);
      render();
      // Confirmed current, or not: the status then also says why a new version failed to save.
      ask(!reg.installing && !reg.waiting ? 'CONFIRMED' : 'STATUS');
    }, function () {
      state.unreachable = true;
      render();
    });
  }

  function update() {
    tapped = true;
    if (state.reg && state.reg.waiting) {
      applying = true;
      state.reg.waiting.postMessage({type: 'SKIP_WAITING'});
    }
    else if (state.applied) window.location.reload();
  }

  function install() {
    var prompt = state.install;
    state.install = null;
    render();
    prompt.prompt();
  }

  // A new version is ready: apply it at once if the reader has not touched the page yet (the
  // page reloads as it is), else offer it.
  function ready() {
    var reg = state.reg;
    if (reg && reg.waiting && sw.controller && !touched) update();
  }

  function follow(worker) {
    if (!worker) return;
    worker.addEventListener('statechange', function () {
      // Installed: ready to apply. Redundant: its save failed, and the status says why.
      if (worker.state === 'installed') ready();
      if (worker.state === 'redundant') ask('STATUS');
      render();
    });
  }

  // The browser may have found the new version on its own (it looks on each page while its
  // copy of sw.js is stale), before this page registered: follow whatever is under way.
  function watch(reg) {
    reg.addEventListener('updatefound', function () { follow(reg.installing); });
    follow(reg.installing);
    if (reg.waiting) ready();
  }

  ['pointerdown', 'keydown', 'scroll', 'touchstart'].forEach(function (type) {
    window.addEventListener(type, function () { touched = true; }, {once: true, passive: true, capture: true});
  });

  sw.addEventListener('controllerchange', function () {
    // The first claim of a new visitor's page is not an update; later changes are. Another tab
    // may have applied it: a page the reader is using is not reloaded under their finger, it
    // offers the update instead.
    if (hadController && !tapped && touched) {
      state.applied = true;
      render();
    } else if ((tapped || hadController) && !reloading) {
      reloading = true;
      window.location.reload();
    }
    hadController = true;
  });

  window.addEventListener('beforeinstallprompt', function (event) {
    event.preventDefault();
    state.install = event;
    render();
  });
  window.addEventListener('appinstalled', function () {
    state.install = null;
    render();
  });
  window.addEventListener('online', function () {
    check(true);
    var failure = failed();
    saveThisLanguage(Boolean(failure && failure.reason === 'lost'));
  });
  window.addEventListener('offline', render);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') check();
  });

  function start() {
    if (exiting()) return;
    // Leaving the page stops the request cleanly rather than cutting it off.
    var leaving = window.AbortController ? new AbortController() : null;
    if (leaving) window.addEventListener('pagehide', function () { leaving.abort(); });
    fetch(box.getAttribute('data-messages'), leaving ? {signal: leaving.signal} : {}).then(function (r) {
      return r.json();
    }).then(function (w) {
      state.words = w;
      render();
    }).catch(function () {});
    // updateViaCache 'all': the browser's own check on each page reads sw.js and its
    // configuration from the HTTP cache while they are fresh (an hour), so it costs no request.
    sw.register('/sw.js', {scope: '/', updateViaCache: 'all'}).then(function (reg) {
      state.reg = reg;
      watch(reg);
      render();
      return saveThisLanguage(false);
    }).then(function () { check(false); }).catch(function () {});
  }

  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start);
})();
