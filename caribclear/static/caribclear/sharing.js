// Keeps a sharing form's "Who will see it" summary up to date as boxes are ticked. The wording comes from
// the server: the form is posted for review only (action=review saves nothing) and the summary's lines of
// the answer replace the lines on the page. Files are left out of that post. No inline script: CSP-safe.
(function () {
  "use strict";
  var summary = document.querySelector("[data-sharing-summary]");
  if (!summary || !window.fetch || !window.FormData || !window.DOMParser) return;
  var form = summary.closest("form");
  var lines = summary.querySelector("[data-sharing-lines]");
  if (!form || !lines) return;
  var timer = null;
  var sent = 0;

  function refresh() {
    var body = new FormData(form);
    var files = [];
    body.forEach(function (value, name) { if (value instanceof File) files.push(name); });
    files.forEach(function (name) { body.delete(name); });
    body.set("action", "review");
    var mine = ++sent;
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-Sharing-Review": "1" }
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      if (mine !== sent) return;
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-sharing-lines]");
      if (fresh) lines.innerHTML = fresh.innerHTML;
    }).catch(function () { /* the "Check who will see it" button still works */ });
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.type === "file") return;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
})();
