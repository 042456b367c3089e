// Live count of the characters left in comment fields. The server checks
// the limit either way; this only spares the author a refused post. Also
// finds a comment an older link looks for on the wrong page.
(function () {
  "use strict";
  function format(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }
  function setup(area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    var max = Number(area.getAttribute("data-max-length"));
    if (!out || !max) {
      return;
    }
    var live = out.parentNode.querySelector("[data-counter-live]");
    var lastBand = 3;
    function update() {
      var left = max - Array.from(area.value).length;
      var band = left < 0 ? 0 : left <= 100 ? 1 : left <= 500 ? 2 : 3;
      var text = left >= 0
        ? (left <= 1 ? format(left) + " caractère restant" : format(left) + " caractères restants") + " sur " + format(max) + "."
        : format(-left) + (left === -1 ? " caractère en trop" : " caractères en trop") + " : raccourcissez le texte.";
      out.classList.toggle("over", left < 0);
      out.textContent = text;
      // The visible count changes at every key; screen readers hear it
      // only when it crosses a threshold.
      if (live && band !== lastBand) {
        live.textContent = band === 3 ? "" : text;
      }
      lastBand = band;
    }
    area.addEventListener("input", update);
    update();
  }
  // An older link to a comment (/measures/{id}#commentaire-{n}, as mails
  // had them) names the first page; once its thread has moved to another
  // page, /comments/{n} finds that page. Once per comment and tab, so that
  // a comment the page cannot show never sends the reader round.
  function findComment() {
    var m = /^#commentaire-(\d+)$/.exec(location.hash);
    if (!m || location.search || !/^\/measures\/\d+$/.test(location.pathname) || document.getElementById(m[0].slice(1))) {
      return;
    }
    var key = "comite-found-" + m[1];
    try {
      if (sessionStorage.getItem(key)) {
        return;
      }
      sessionStorage.setItem(key, "1");
    } catch (e) {
      return;
    }
    location.replace("/comments/" + m[1]);
  }
  document.addEventListener("DOMContentLoaded", function () {
    findComment();
    document.querySelectorAll("textarea[data-counter]").forEach(setup);
  });
})();
