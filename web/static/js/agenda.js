// Drag and drop for the agenda, and the print button. Without this script
// the agenda is reordered with its "Monter" / "Descendre" buttons, which
// also serve keyboard users, and the page prints from the browser's menu.
(function () {
  "use strict";
  function setupAgenda(list) {
    var url = list.getAttribute("data-agenda-order");
    var dragged = null;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(status, list.nextSibling);
    Array.prototype.forEach.call(list.children, function (item) {
      item.setAttribute("draggable", "true");
      item.classList.add("draggable");
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.getAttribute("data-item-id"));
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("dragging");
      });
      item.addEventListener("dragover", function (event) {
        if (!dragged || dragged === item) {
          return;
        }
        event.preventDefault();
        var box = item.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
      });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
      });
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged) {
        return;
      }
      dragged = null;
      var ids = Array.prototype.map.call(list.children, function (li) {
        return li.getAttribute("data-item-id");
      });
      status.textContent = "Enregistrement du nouvel ordre…";
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "fetch" },
        body: "order=" + encodeURIComponent(ids.join(","))
      }).then(function (response) {
        status.textContent = response.ok ? "Nouvel ordre enregistré." : "L'ordre du jour a changé entre-temps : la page est rechargée.";
        window.location.reload();
      }, function () {
        status.textContent = "Le nouvel ordre n'a pas pu être enregistré : la page est rechargée.";
        window.location.reload();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-agenda-order]"), setupAgenda);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
