// The clock-dependent rules, as pure functions of an instant (ms since the epoch), the same as the
// server's (server/content/model.py): tests/cases/*.json run one table of cases against both.
var MittaDirectory = (function () {
  "use strict";
  var DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
  var STALE_DAYS = 180;

  // Cambodia is UTC+7 all year, whatever the phone's own time zone is.
  function cambodia(ms) {
    var d = new Date(ms + 7 * 3600 * 1000);
    var hhmm = ("0" + d.getUTCHours()).slice(-2) + ":" + ("0" + d.getUTCMinutes()).slice(-2);
    return { day: DAYS[d.getUTCDay()], time: hhmm, date: d.toISOString().slice(0, 10) };
  }

  function isOpen(hours, ms) {
    var now = cambodia(ms);
    return hours.some(function (h) {
      return h.byday.indexOf(now.day) >= 0 && h.opens_at <= now.time && now.time < h.closes_at;
    });
  }

  // "checked" | "stale" | "unchecked", like Provenance.status.
  function checkStatus(checkedOn, ms) {
    if (!checkedOn) return "unchecked";
    var age = (Date.parse(cambodia(ms).date) - Date.parse(checkedOn)) / 86400000;
    return age > STALE_DAYS ? "stale" : "checked";
  }

  // Dates as YYYY-MM-DD compare as strings.
  function alertShows(from, until, ms) {
    var today = cambodia(ms).date;
    return (!from || from <= today) && today <= until;
  }

  return { cambodia: cambodia, isOpen: isOpen, checkStatus: checkStatus, alertShows: alertShows };
})();

// Directory pages on the phone: things the server cannot know when it renders a page that may be
// opened months later, offline. Everything here is an enhancement: without it the page still works.
(function () {
  "use strict";
  var D = MittaDirectory;
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  };

  function refreshOpenNow() {
    document.querySelectorAll("[data-hours]").forEach(function (el) {
      var open = D.isOpen(JSON.parse(el.getAttribute("data-hours")), Date.now());
      el.textContent = el.getAttribute(open ? "data-open-label" : "data-closed-label");
      el.classList.toggle("is-open", open);
      el.classList.toggle("is-closed", !open);
    });
  }

  function refreshStatus() {
    document.querySelectorAll("[data-checked-on]").forEach(function (el) {
      var stale = D.checkStatus(el.getAttribute("data-checked-on"), Date.now()) === "stale";
      if (stale && !el.classList.contains("status-stale")) {
        el.classList.remove("status-checked");
        el.classList.add("status-stale");
        el.textContent = el.getAttribute("data-stale-label");
      }
    });
  }

  // An alert ("number changed on …", "closed until …") shows only between its dates, however
  // long ago the page was saved.
  function refreshAlerts() {
    document.querySelectorAll("[data-alert-until]").forEach(function (el) {
      el.hidden = !D.alertShows(el.getAttribute("data-alert-from"), el.getAttribute("data-alert-until"), Date.now());
    });
  }

  // The province a person chose is remembered on this phone only.
  function rememberProvince() {
    var here = document.querySelector("h1[data-province]");
    if (here) store.set("mitta.province", here.getAttribute("data-province"));
    var slot = document.querySelector("[data-my-province]");
    var chosen = store.get("mitta.province");
    if (slot && chosen) {
      var link = document.querySelector('.province-list a[href$="/province/' + chosen + '/"]');
      if (link) {
        var a = slot.querySelector("a");
        a.href = link.getAttribute("href");
        a.textContent = link.textContent;
        slot.hidden = false;
      }
    }
    // Category tiles lead straight to the chosen province's list, where it has one (a province
    // without services of its own shows the national ones on its own page instead).
    if (chosen && document.querySelector('a[data-local][href$="/province/' + chosen + '/"]')) {
      document.querySelectorAll("a[data-category-link]").forEach(function (a) {
        var locale = document.documentElement.lang;
        a.href = "/" + locale + "/province/" + chosen + "/" + a.getAttribute("data-category-link") + "/";
      });
    }
  }

  // A one-time note before the first call: calls show in the call history and on the bill. The
  // same for the first chat (the chat stays in that app), with its own dialog and its own "seen".
  function callNotice(id, selector, seen) {
    var dialog = document.getElementById(id);
    if (!dialog || typeof dialog.showModal !== "function") return;
    var confirm = dialog.querySelector("[data-call-confirm]");
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(selector);
      if (!link || store.get(seen)) return;
      event.preventDefault();
      confirm.href = link.href;
      dialog.showModal();
    });
    confirm.addEventListener("click", function () {
      store.set(seen, "1");
      dialog.close();
    });
    dialog.querySelector("[data-call-cancel]").addEventListener("click", function () { dialog.close(); });
  }

  // Sharing hands on the text the server wrote (server/share.py), never one of its own: the
  // service page carries it, a list reads it from the documents it names (the national one, its
  // province's; saved offline with the pages that show them). Where there is no share sheet, or
  // a text is not there, a list's Share link opens the service page's share buttons (SMS, copy).
  function share() {
    var texts = {};
    document.querySelectorAll("button[data-share]").forEach(function (b) { b.hidden = !navigator.share; });
    document.querySelectorAll("button[data-copy]").forEach(function (b) {
      b.hidden = !!navigator.share || !(navigator.clipboard && navigator.clipboard.writeText);
    });
    var lists = document.querySelectorAll("[data-share-texts]");
    var urls = [];
    lists.forEach(function (list) {
      list.getAttribute("data-share-texts").split(" ").forEach(function (url) {
        if (url && urls.indexOf(url) < 0) urls.push(url);
      });
    });
    var waiting = urls.length;
    if (waiting && navigator.share && window.fetch) {
      urls.forEach(function (url) {
        fetch(url).then(function (r) {
          if (!r.ok) throw new Error(url);
          return r.json();
        }).then(function (data) {
          Object.keys(data).forEach(function (id) { texts[id] = data[id]; });
        }, function () { /* its links open the service pages */ }).then(function () {
          // Every document has answered (or not): what a tap shares is settled.
          if (!--waiting) lists.forEach(function (list) { list.setAttribute("data-share-ready", ""); });
        });
      });
    }
    document.addEventListener("click", function (event) {
      var el = event.target.closest && event.target.closest("[data-share], [data-copy]");
      if (!el) return;
      var box = el.closest("[data-share-text]");
      var text = box ? box.getAttribute("data-share-text") : texts[el.getAttribute("data-share")];
      if (!text) return;
      if (el.hasAttribute("data-copy")) {
        navigator.clipboard.writeText(text).then(
          function () { el.textContent = el.getAttribute("data-done"); },
          function () { el.textContent = el.getAttribute("data-failed"); });
      } else if (navigator.share) {
        event.preventDefault();
        navigator.share({ text: text }).catch(function (error) {
          // Closed by the person: nothing to say. Refused (not allowed here): open the page.
          if (error.name !== "AbortError" && el.href) location.href = el.href;
        });
      }
    });
  }

  // The card page's Print button; without JavaScript the browser's own Print does the same.
  function printButton() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  }

  refreshOpenNow();
  refreshStatus();
  refreshAlerts();
  rememberProvince();
  callNotice("call-notice", "a[data-call]", "mitta.callNoticeSeen");
  callNotice("chat-notice", "a[data-chat]", "mitta.chatNoticeSeen");
  share();
  printButton();
  setInterval(function () { refreshOpenNow(); refreshAlerts(); }, 60000);
})();
