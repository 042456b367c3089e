// Draft texts put to consultation: selecting a passage of a paragraph
// opens that paragraph's contribution form with the passage quoted. Without
// JavaScript, each paragraph's « Contribuer » opens the same form.
(function () {
  "use strict";
  var text = document.querySelector("[data-draft-text]");
  if (!text || !window.getSelection) {
    return;
  }
  function paragraphOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest("[data-paragraph-text]") : null;
  }
  function quoteSelection() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) {
      return;
    }
    var from = paragraphOf(sel.anchorNode);
    if (!from || from !== paragraphOf(sel.focusNode)) {
      return;
    }
    var quote = sel.toString().replace(/\s+/g, " ").trim();
    var section = from.closest("section");
    var form = section && section.querySelector("details[data-contribute]");
    if (!quote || !form) {
      return;
    }
    form.open = true;
    var field = form.querySelector("[data-quote]");
    if (field) {
      field.value = quote.slice(0, 1000);
    }
    var area = form.querySelector("textarea[name=text]");
    if (area) {
      area.focus();
    }
  }
  // The mouse only: a keyboard selection would lose its focus to the
  // form at each key; keyboard users open the form from « Contribuer ».
  text.addEventListener("mouseup", function () { window.setTimeout(quoteSelection, 0); });
})();
