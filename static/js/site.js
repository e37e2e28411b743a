/* The site's behaviour on every page, as a static file (no inline script or handler, so a strict
   Content-Security-Policy holds). Everything here improves what already works without JavaScript. */
(function () {
  "use strict";

  // The phone menu: without JavaScript the button is a link to #site-menu, opened by CSS :target.
  // Here it becomes a real toggle that says whether it is open and closes with Escape.
  function setUpMenu() {
    var button = document.getElementById("menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    button.setAttribute("role", "button");
    button.setAttribute("aria-expanded", "false");

    function setOpen(open) {
      menu.classList.toggle("open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    function toggle(event) {
      event.preventDefault();
      var open = !menu.classList.contains("open");
      setOpen(open);
      if (open) {
        var first = menu.querySelector("a, button, select");
        if (first) first.focus();
      }
    }
    button.addEventListener("click", toggle);
    button.addEventListener("keydown", function (event) {
      if (event.key === " ") toggle(event); // a role=button answers Space like a button
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        setOpen(false);
        button.focus();
      }
    });
  }

  // A select marked data-submit-on-change (the language switcher) sends its form when changed;
  // without JavaScript its form shows a button instead.
  function setUpAutoSubmit() {
    document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) select.form.submit();
      });
    });
  }

  function start() {
    setUpMenu();
    setUpAutoSubmit();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
