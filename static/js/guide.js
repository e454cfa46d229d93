// Guidance pages: point "Where to get help" at the reader's own province when this phone
// remembers one (localStorage "mitta.province", set by the directory). Each link lists the
// provinces whose page for it exists (and is saved offline); otherwise, and without JavaScript,
// the link leads to the page where a province is chosen.
(function () {
  "use strict";
  var province;
  try {
    province = window.localStorage.getItem("mitta.province");
  } catch (e) {
    return; // storage blocked: keep the links as they are
  }
  if (!province) return;
  var locale = document.documentElement.lang;
  var links = document.querySelectorAll("a[data-category][data-provinces]");
  for (var i = 0; i < links.length; i++) {
    if (links[i].getAttribute("data-provinces").split(" ").indexOf(province) < 0) continue;
    links[i].setAttribute("href", "/" + locale + "/province/" + province + "/" +
      links[i].getAttribute("data-category") + "/");
  }
})();
