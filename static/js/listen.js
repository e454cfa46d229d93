/* Listen (deferred): the recording's big play/pause button, saving recordings for offline use,
   and the phone's own voice. The markup is templates/_listen.html; without this script the
   <audio> keeps its own controls and there is no voice button. Nothing plays by itself; quick
   exit (static/js/quick-exit.js) pauses every <audio> and cancels speech before it leaves. */
(function () {
  "use strict";
  var box = document.querySelector("[data-listen]");
  if (!box) return;
  var lang = document.documentElement.lang;
  var CACHE = "mitta-recordings-" + lang;   // kept across versions; "Remove Mitta" deletes it

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }
  function show(el, yes) { if (el) el.hidden = !yes; }

  // --- The recording: one big button with the time, over the plain <audio>.
  var audio = box.querySelector("audio[data-clip]");
  var missing = box.querySelector("[data-clip-missing]");
  function saved(url) {
    return window.caches ? caches.open(CACHE).then(function (c) { return c.match(url); })
      .then(Boolean, function () { return false; }) : Promise.resolve(false);
  }
  if (audio) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button listen-play";
    var label = function () {
      var word = audio.paused ? audio.getAttribute("data-play") : audio.getAttribute("data-pause");
      var total = isFinite(audio.duration) ? audio.duration : Number(audio.getAttribute("data-seconds"));
      button.textContent = word + " · " + clock(audio.currentTime) + " / " + clock(total);
      button.setAttribute("aria-pressed", audio.paused ? "false" : "true");
    };
    ["play", "pause", "timeupdate", "durationchange", "ended"].forEach(function (e) { audio.addEventListener(e, label); });
    audio.addEventListener("error", function () { if (!navigator.onLine) show(missing, true); });
    button.addEventListener("click", function () {
      if (!audio.paused) { audio.pause(); return; }
      stopVoice();
      saved(audio.src).then(function (here) {
        if (!here && !navigator.onLine) { show(missing, true); return; }
        show(missing, false);
        var playing = audio.play();
        if (playing && playing.catch) playing.catch(function () { if (!navigator.onLine) show(missing, true); });
      });
    });
    audio.controls = false;
    audio.parentNode.insertBefore(button, audio);
    label();
  }

  // --- Saving every recording of this language, with the space check the pack has.
  var save = box.querySelector("[data-save-clips]");
  if (save && window.caches) {
    var urls = save.getAttribute("data-save-clips").split(" ").filter(Boolean);
    var need = Number(save.getAttribute("data-bytes"));
    var note = document.createElement("p");
    note.setAttribute("role", "status");
    save.parentNode.insertBefore(note, save.nextSibling);
    var done = function () {
      show(save, false);
      note.textContent = save.getAttribute("data-saved");
    };
    Promise.all(urls.map(saved)).then(function (all) {
      if (all.every(Boolean)) done(); else show(save, true);
    });
    save.addEventListener("click", function () {
      save.disabled = true;
      note.textContent = "";
      var room = navigator.storage && navigator.storage.estimate ? navigator.storage.estimate() : Promise.resolve(null);
      room.then(function (e) {
        if (e && e.quota - e.usage < need * 1.2) throw {reason: "space"};
        return caches.open(CACHE);
      }).then(function (cache) {
        return Promise.all(urls.map(function (url) {
          return fetch(url).then(function (r) {
            if (!r.ok) throw {reason: "failed"};
            return cache.put(url, r);
          }, function () { throw {reason: "lost"}; });
        }));
      }).then(function () {
        show(missing, false);
        done();
      }, function (error) {
        var reason = error && error.name === "QuotaExceededError" ? "space" : (error && error.reason) || "failed";
        note.textContent = (save.getAttribute("data-" + reason) || "").replace("{size}", Math.ceil(need / 1024));
      }).then(function () { save.disabled = false; });
    });
  }

  // --- The phone's own voice: only a voice of the page's language, never another's.
  var synth = window.speechSynthesis;
  var bar = box.querySelector("[data-voice]");
  if (!synth || !bar || typeof SpeechSynthesisUtterance !== "function") return;
  var play = bar.querySelector("[data-voice-play]");
  var stop = bar.querySelector("[data-voice-stop]");
  var voice = null;
  var queue = [];
  var state = "idle";   // idle | speaking | paused

  function findVoice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (String(voices[i].lang).toLowerCase().split(/[-_]/)[0] === lang) return voices[i];
    }
    return null;
  }
  function offer() {
    voice = voice || findVoice();
    if (!voice) return;
    show(bar, true);
    show(box.querySelector(".listen-note"), true);
  }

  // Sentence-sized pieces, in reading order: engines cut off or refuse long texts.
  var LONGEST = 200;
  function pieces() {
    var out = [];
    Array.prototype.forEach.call(document.querySelectorAll(box.getAttribute("data-listen")), function (el) {
      if (el.closest("[hidden], .listen")) return;
      var text = (el.textContent || "").replace(/\s+/g, " ").trim();
      // (No lookbehind: Safari before 16.4 cannot parse it, and would lose the whole script.)
      (text.match(/[^.!?។៕]+[.!?។៕]*/g) || []).forEach(function (sentence) {
        sentence = sentence.trim();
        while (sentence.length > LONGEST) {
          var cut = sentence.lastIndexOf(" ", LONGEST);
          if (cut < LONGEST / 2) cut = LONGEST;
          out.push(sentence.slice(0, cut));
          sentence = sentence.slice(cut).trim();
        }
        if (sentence) out.push(sentence);
      });
    });
    return out;
  }

  function setState(next) {
    state = next;
    play.textContent = play.getAttribute(next === "speaking" ? "data-pause" : "data-resume");
    play.setAttribute("aria-pressed", next === "speaking" ? "true" : "false");
    show(stop, next !== "idle");
  }
  function next() {
    if (state === "idle") return;
    var text = queue.shift();
    if (text === undefined) { setState("idle"); return; }
    var u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.onend = next;
    u.onerror = function () { stopVoice(); };
    synth.speak(u);
  }
  function stopVoice() {
    if (state === "idle") return;
    queue = [];
    setState("idle");
    synth.cancel();
  }

  play.addEventListener("click", function () {
    if (state === "speaking") { synth.pause(); setState("paused"); return; }
    if (state === "paused") { synth.resume(); setState("speaking"); return; }
    if (audio) audio.pause();
    synth.cancel();
    queue = pieces();
    setState("speaking");
    next();
  });
  stop.addEventListener("click", stopVoice);
  document.addEventListener("visibilitychange", function () { if (document.hidden) stopVoice(); });
  window.addEventListener("pagehide", stopVoice);
  if (synth.addEventListener) synth.addEventListener("voiceschanged", offer);
  offer();
}());
