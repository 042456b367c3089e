// Live count of the characters left in comment fields. The server checks
// the limit either way; this only spares the author a refused post.
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
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-counter]").forEach(setup);
  });
})();
