/* "Report a problem with this listing", offline too.

   A report is first written to this phone (localStorage), then sent; one that cannot be sent
   yet stays there and is sent again when the connection returns (`online`) and on every page
   load, from any page. The person is told which happened: "Sent" or "Saved on this phone".
   The words come from the form's data-* attributes, so they are saved with the page. Without
   JavaScript the form is a plain POST and the server answers with a page. "Remove Mitta from
   this phone" deletes what is waiting here with everything else. */
(function () {
  'use strict';
  var KEY = 'mitta-reports';
  var form = document.querySelector('form[data-report]');
  var status = document.querySelector('[data-report-status]');
  var path = form ? new URL(form.action).pathname : null;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; }
  }
  function save(list) {
    try {
      if (list.length) localStorage.setItem(KEY, JSON.stringify(list)); else localStorage.removeItem(KEY);
      return true;
    } catch (e) { return false; }
  }
  function remove(id) { save(load().filter(function (r) { return r.id !== id; })); }

  // 'sent'; 'kept' when it may work later (no connection, server busy or down); 'refused' when
  // the server will never take it (the listing is gone, the text is too long…).
  function send(report) {
    if (navigator.onLine === false) return Promise.resolve('kept');
    return fetch(report.path, {
      method: 'POST', body: new URLSearchParams({kind: report.kind, text: report.text}),
      credentials: 'omit', cache: 'no-store', redirect: 'error'
    }).then(function (r) {
      if (r.ok) return 'sent';
      return r.status === 429 || r.status >= 500 ? 'kept' : 'refused';
    }, function () { return 'kept'; });
  }

  // One sender at a time across tabs where the browser can say so, so a report is sent once.
  function exclusive(work) {
    return navigator.locks ? navigator.locks.request(KEY, work) : work();
  }

  // Send what waits, oldest first; stop at the first that must wait (the rest would too).
  // Resolves to {id: outcome} for the reports it tried.
  function flush() {
    return exclusive(function () {
      var outcomes = {};
      var waiting = load();
      function next(i) {
        if (i >= waiting.length) return outcomes;
        return send(waiting[i]).then(function (outcome) {
          outcomes[waiting[i].id] = outcome;
          if (outcome === 'kept') return outcomes;
          remove(waiting[i].id);
          return next(i + 1);
        });
      }
      return next(0);
    });
  }

  function say(key) {
    if (!status) return;
    status.textContent = form.dataset[key];
    status.className = 'report-status report-' + key;
  }

  // After sending what waited: this page's own reports are still waiting, were sent, or refused.
  function show(outcomes) {
    if (!form) return;
    var here = Object.keys(outcomes).filter(function (id) { return sentPaths[id] === path; })
      .map(function (id) { return outcomes[id]; });
    if (load().some(function (r) { return r.path === path; })) say('saved');
    else if (here.indexOf('refused') >= 0) say('failed');
    else if (here.indexOf('sent') >= 0) say('sent');
  }

  // Which page each report came from, to tell this page's reader about their own.
  var sentPaths = {};
  load().forEach(function (r) { sentPaths[r.id] = r.path; });

  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var text = String(data.get('text') || '').replace(/\r\n?/g, '\n').trim();
      if (new TextEncoder().encode(text).length > Number(form.dataset.maxBytes)) {
        say('long');
        return;
      }
      var report = {id: Date.now() + '-' + Math.random().toString(36).slice(2), path: path,
                    kind: String(data.get('kind')), text: text};
      sentPaths[report.id] = path;
      say('sending');
      var waiting = load();
      waiting.push(report);
      var kept = save(waiting);
      (kept ? flush() : send(report).then(function (o) { var r = {}; r[report.id] = o; return r; }))
        .then(function (outcomes) {
          var outcome = outcomes[report.id] || 'kept';
          if (outcome === 'kept' && !kept) outcome = 'refused';  // nowhere to keep it: say so
          say(outcome === 'sent' ? 'sent' : outcome === 'kept' ? 'saved' : 'failed');
          if (outcome !== 'refused') form.reset();
        });
    });
  }

  if (load().length) flush().then(show);
  window.addEventListener('online', function () { flush().then(show); });
}());
