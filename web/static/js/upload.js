// Progress bar for file uploads. Forms work without this script: it only
// takes over the sending of forms marked data-upload to show progress, and
// refuses a file over the size limit before sending it.
(function () {
  "use strict";
  function setup(form) {
    var box = form.querySelector("[data-upload-progress]");
    if (!box || !window.XMLHttpRequest || !window.FormData) {
      return;
    }
    var bar = box.querySelector("progress");
    var percent = box.querySelector("[data-upload-percent]");
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file][data-max-bytes]");
      var max = input ? Number(input.getAttribute("data-max-bytes")) : 0;
      if (input && input.files.length && max && input.files[0].size > max) {
        return; // the server answers with the French message and keeps the other fields
      }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var p = Math.round((e.loaded / e.total) * 100);
          bar.value = p;
          percent.textContent = p + " %";
        }
      });
      xhr.addEventListener("load", function () {
        // The request followed the server's redirect already, and that page
        // carries the one-time confirmation: show it rather than loading it
        // again, and give the address bar the page's address.
        if (xhr.responseURL && xhr.responseURL !== form.action && window.history.replaceState) {
          window.history.replaceState(null, "", xhr.responseURL);
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        percent.textContent = "L'envoi a échoué. Vérifiez votre connexion et réessayez.";
      });
      box.hidden = false;
      xhr.send(new FormData(form));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-upload]");
    for (var i = 0; i < forms.length; i++) {
      setup(forms[i]);
    }
  });
})();
