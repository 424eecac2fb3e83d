/* CaribClear: nothing typed is lost on a phone. A form marked `data-keep-local` keeps a copy of what is
   typed in this browser's localStorage until the server has it; opened again, the copy is put back and a
   notice says so (with a way to discard it). The server marks the page that follows a save with
   `data-clear-local="<path of the form>"`, which drops the copy. Without JavaScript nothing changes. */
(function () {
  "use strict";
  var PREFIX = "caribclear:form:";
  var SKIP = { csrfmiddlewaretoken: true, action: true };

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function clearMarked(store) {
    var marks = document.querySelectorAll("[data-clear-local]");
    for (var i = 0; i < marks.length; i++) {
      store.removeItem(PREFIX + marks[i].getAttribute("data-clear-local"));
    }
  }

  function values(form) {
    var result = {};
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (!field.name || SKIP[field.name] || field.type === "submit" || field.type === "button") { continue; }
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { continue; }
      result[field.name] = field.value;
    }
    return result;
  }

  function restore(form, saved) {
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (!field.name || SKIP[field.name] || !(field.name in saved)) { continue; }
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = saved[field.name] === field.value;
      } else {
        field.value = saved[field.name];
      }
    }
  }

  function keep(form, store) {
    var key = PREFIX + (form.getAttribute("data-keep-local") || window.location.pathname);
    var raw = store.getItem(key);
    var showsErrors = document.querySelector(".error-summary") !== null;
    if (raw && !showsErrors) {
      try {
        restore(form, JSON.parse(raw).values || {});
        var notice = document.querySelector("[data-restored-notice]");
        if (notice) {
          notice.hidden = false;
          var discard = notice.querySelector("[data-discard-local]");
          if (discard) {
            discard.addEventListener("click", function () {
              store.removeItem(key);
              window.location.reload();
            });
          }
        }
      } catch (error) { store.removeItem(key); }
    }
    function save() {
      try { store.setItem(key, JSON.stringify({ savedAt: Date.now(), values: values(form) })); } catch (error) { /* full */ }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  function start() {
    var store = storage();
    if (!store) { return; }
    clearMarked(store);
    var forms = document.querySelectorAll("form[data-keep-local]");
    for (var i = 0; i < forms.length; i++) { keep(forms[i], store); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
