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

  function start() {
    setUpMenu();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
