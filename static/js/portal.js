// Behaviour every page may use, declared in the markup with data attributes: the
// Content-Security-Policy runs no inline script and no onclick/onchange attribute.
(function () {
  "use strict";

  // <select data-submit-on-change>: the language switcher sends its form on a choice.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-submit-on-change]") && field.form) {
      field.form.submit();
    }
  });

  // <form class="once">: a double click sends one submit; the server refuses a second anyway.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("once")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });

  // <fieldset data-hidden-when-checked="checkbox-id">: shown only while the box is unticked.
  function syncHidden() {
    document.querySelectorAll("[data-hidden-when-checked]").forEach(function (part) {
      var box = document.getElementById(part.getAttribute("data-hidden-when-checked"));
      if (!box) return;
      part.hidden = box.checked;
      if (!box.dataset.hidesBound) {
        box.dataset.hidesBound = "1";
        box.addEventListener("change", syncHidden);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", syncHidden);
  } else {
    syncHidden();
  }
  document.addEventListener("htmx:afterSwap", syncHidden);
})();
