/* CaribClear forms: put the eye where the errors are (GOV.UK error summary pattern).
   Pages work without this file: the summary carries `autofocus`. This makes sure it has focus and is in
   view after a failed post, and makes each link in it move focus to its field. No inline script (CSP). */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary], .error-summary");
    if (!summary) { return; }
    if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var box = field.closest(".field") || field;
      box.scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
