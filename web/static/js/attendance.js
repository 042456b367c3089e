// « Tout cocher » on the attendance sheet: one button per category that
// ticks every box of it (or unticks them all when all are ticked). Without
// this script each box is ticked by hand; nothing else depends on it.
(function () {
  "use strict";
  document.querySelectorAll("[data-check-all]").forEach(function (section) {
    var boxes = section.querySelectorAll("input[type=checkbox]");
    var heading = section.querySelector("h2");
    if (boxes.length < 2 || !heading) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary small";
    function label() {
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      button.textContent = all ? "Tout décocher" : "Tout cocher";
      button.setAttribute("aria-label", (all ? "Tout décocher : " : "Tout cocher : ") + heading.textContent.trim());
      return all;
    }
    button.addEventListener("click", function () {
      var all = label();
      boxes.forEach(function (b) { b.checked = !all; });
      label();
    });
    section.addEventListener("change", label);
    label();
    heading.insertAdjacentElement("afterend", button);
  });
})();
