/* Small behaviours of every page, without inline script (the Content-Security-Policy forbids it):
   a control marked data-autosubmit submits its form when changed (the language choice, the e-mail digest). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
