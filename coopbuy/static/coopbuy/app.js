/* coopbuy: the little behaviour pages need, with no inline script (a strict CSP allows only this file).
 * 1. Keyboard focus survives an htmx swap: when a swap drops the focus (to <body>), the element
 *    with the id that last had it gets it back; a stepper button that became disabled hands it to
 *    its number field. Swapped-in forms are wired at once, not at settle.
 * 2. A wide table scrolls inside its wrapper, which keyboard users can reach.
 * 3. A form with data-confirm asks once before it is sent.
 * 4. <button data-copy="input-id" data-copied="Copied"> copies the input's text.
 * 5. <input data-select-on-focus> selects its text when focused. */
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
  // htmx wires up swapped-in content only when it settles (20 ms later): a key pressed or a value
  // changed in between would reach a form htmx does not know yet, and the browser would send it
  // the old way (a whole page load: the focus is lost) or not at all. Wire it at once instead;
  // htmx.process skips what it has already seen, so the settle changes nothing more.
  function processNow(event) {
    var target = event.detail && event.detail.target;
    if (!target || !window.htmx) { return; }
    if (!target.isConnected && target.id) { target = document.getElementById(target.id); }
    if (target) { window.htmx.process(target); }
  }
  document.addEventListener("htmx:afterSwap", processNow);
  document.addEventListener("htmx:oobAfterSwap", processNow);

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

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).catch(function () {});
    }
    if (button.dataset.copied) button.textContent = button.dataset.copied;
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) {
      event.target.select();
    }
  });
})();
