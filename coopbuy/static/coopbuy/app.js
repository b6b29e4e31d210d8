/* coopbuy: the little behaviour pages need, with no inline script (a strict CSP allows only this file).
 * 1. Keyboard focus survives an htmx swap: the element that had focus (by id) gets it back; a
 *    stepper button that became disabled hands focus to its number field.
 * 2. A form with data-confirm asks once before it is sent. */
(function () {
  "use strict";
  var focusedId = null;

  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focusedId = active && active.id ? active.id : null;
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

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
