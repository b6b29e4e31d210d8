/* coopbuy: the little behaviour pages need, with no inline script (a strict CSP allows only this file).
 * 1. Keyboard focus survives an htmx swap: when a swap drops the focus (to <body>), the element
 *    with the id that last had it gets it back; a stepper button that became disabled hands it to
 *    its number field.
 * 2. A wide table scrolls inside its wrapper, which keyboard users can reach.
 * 3. A form with data-confirm asks once before it is sent. */
(function () {
  "use strict";
  var lastFocusedId = null;

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.id && target !== document.body) { lastFocusedId = target.id; }
  });

  function restoreFocus() {
    var active = document.activeElement;
    if (!lastFocusedId || (active && active !== document.body)) { return; }
    var target = document.getElementById(lastFocusedId);
    if (target && target.disabled) {
      var stepper = target.closest(".stepper");
      target = stepper ? stepper.querySelector("input[type=number]") : null;
    }
    if (!target) { return; }
    target.focus();
    var form = target.closest("form");
    if (form && form.querySelector(".field-error") && target.select) { target.select(); }
  }
  // Every swap of an answer (the row, the summary out of band, the supplier progress) settles on
  // its own: after each one, focus lost to <body> goes back to the remembered element.
  document.addEventListener("htmx:afterSwap", restoreFocus);
  document.addEventListener("htmx:afterSettle", function () {
    restoreFocus();
    window.setTimeout(restoreFocus, 50);  // after anything else the settle set off
  });

  // A table wider than the phone scrolls inside its wrapper: keyboard users must reach it too.
  function focusableScrollers(root) {
    (root || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { focusableScrollers(document); });
  window.addEventListener("resize", function () { focusableScrollers(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusableScrollers(event.target); });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
