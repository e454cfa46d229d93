/* Problem reports, offline too: a report is written to the phone (localStorage) first, then
   sent; one that cannot be sent yet waits and is sent on `online` and on every page load, from
   any page. The words are the form's data-* (saved with the page). Without JavaScript the form
   is a plain POST. "Remove Mitta from this phone" deletes what waits with everything else. */
(function () {
  'use strict';
  var KEY = 'mitta-reports';
  var form = document.querySelector('form[data-report]');
  var status = document.querySelector('[data-report-status]');
  var path = form && new URL(form.action).pathname;
  var from = {};  // report id -> the page it was written on

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; }
  }
  function save(list) {
    try {
      if (list.length) localStorage.setItem(KEY, JSON.stringify(list)); else localStorage.removeItem(KEY);
      return true;
    } catch (e) { return false; }
  }
  load().forEach(function (r) { from[r.id] = r.path; });

  // 'sent'; 'kept' if it may work later (no connection, server down or busy); 'refused' if never.
  function send(r) {
    if (navigator.onLine === false) return Promise.resolve('kept');
    return fetch(r.path, {method: 'POST', body: new URLSearchParams({kind: r.kind, text: r.text}),
                          credentials: 'omit', cache: 'no-store', redirect: 'error'})
      .then(function (res) { return res.ok ? 'sent' : res.status === 429 || res.status >= 500 ? 'kept' : 'refused'; },
            function () { return 'kept'; });
  }

  // Oldest first, stopping at the first that must wait; one tab at a time, so each is sent once.
  function flush() {
    var work = function () {
      var outcomes = {}, waiting = load();
      function next(i) {
        if (i >= waiting.length) return outcomes;
        return send(waiting[i]).then(function (o) {
          outcomes[waiting[i].id] = o;
          if (o === 'kept') return outcomes;
          save(load().filter(function (r) { return r.id !== waiting[i].id; }));
          return next(i + 1);
        });
      }
      return next(0);
    };
    return navigator.locks ? navigator.locks.request(KEY, work) : work();
  }

  function say(key) {
    status.textContent = form.dataset[key];
    status.className = 'report-status report-' + key;
  }

  // What happened to this page's own reports.
  function show(outcomes) {
    if (!form) return;
    var here = Object.keys(outcomes).filter(function (id) { return from[id] === path; })
      .map(function (id) { return outcomes[id]; });
    if (load().some(function (r) { return r.path === path; })) say('saved');
    else if (here.indexOf('refused') >= 0) say('failed');
    else if (here.indexOf('sent') >= 0) say('sent');
  }

  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var text = String(data.get('text') || '').replace(/\r\n?/g, '\n').trim();
      // The server's limit is bytes; maxlength can only count letters.
      if (new TextEncoder().encode(text).length > form.elements.text.maxLength) return say('long');
      var r = {id: Date.now() + '-' + Math.random(), path: path, kind: String(data.get('kind')), text: text};
      from[r.id] = path;
      var kept = save(load().concat([r]));
      (kept ? flush() : send(r).then(function (o) { var x = {}; x[r.id] = o; return x; }))
        .then(function (outcomes) {
          var o = outcomes[r.id] || 'kept';
          var said = o === 'sent' ? 'sent' : o === 'kept' && kept ? 'saved' : 'failed';
          say(said);
          if (said !== 'failed') form.reset();
        });
    });
  }
  if (load().length) flush().then(show);
  window.addEventListener('online', function () { flush().then(show); });
}());
