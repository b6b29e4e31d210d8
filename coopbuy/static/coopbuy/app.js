/* coopbuy's few behaviours, from data attributes: no inline script or handler (the
   Content-Security-Policy allows scripts from our own files only).
   - <form data-confirm="Question?">: asks before submitting.
   - <button data-copy="input-id" data-copied="Copied">: copies the input's text.
   - <input data-select-on-focus>: selects its text when focused. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-confirm]") : null;
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
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
