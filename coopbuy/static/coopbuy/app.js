/* coopbuy: the little behaviour pages need, with no inline script (a strict CSP allows only this file).
 * 1. Keyboard focus survives an htmx swap: the element that had focus (by id) gets it back; a
 *    stepper button that became disabled hands focus to its number field.
 * 2. A form with data-confirm asks once before it is sent. */
(function () {
  "use strict";
  var focusedId = null;

  // Remember the focus only for the request of the form that holds it: a refresh set off by the
  // answer (the supplier progress) must not forget it while the row is being swapped.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var source = event.detail && event.detail.elt;
    if (!source || source.tagName !== "FORM") { return; }
    focusedId = active && active.id && source.contains(active) ? active.id : null;
  });

  // Every swap of the answer (the row, and the summary out of band) settles on its own: try after
  // each one, the element with the remembered id is the new one once the row is swapped.
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusedId) { return; }
    var target = document.getElementById(focusedId);
    if (target && target.disabled) {
      var stepper = target.closest(".stepper");
      target = stepper ? stepper.querySelector("input[type=number]") : null;
    }
    var error = target ? target.closest("form").querySelector(".field-error") : null;
    if (target && document.activeElement !== target) {
      target.focus();
      if (error && target.select) { target.select(); }
    }
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
