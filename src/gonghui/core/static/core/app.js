// Behaviour for every page, kept out of the markup so that the CSP allows no inline script.
(function () {
  "use strict";
  // Org picker: a click on a directory result fills the code input it belongs to.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick-code]");
    if (!pick) return;
    event.preventDefault();
    var input = document.getElementById(pick.getAttribute("data-pick-target"));
    if (input) {
      input.value = pick.getAttribute("data-pick-code");
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var box = pick.closest(".gh-picker-results");
    if (box) box.innerHTML = "";
  });
  // Print buttons.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  });
  // Confirm dangerous submits.
  document.addEventListener("submit", function (event) {
    var msg = event.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) event.preventDefault();
  });
  // Sidebar sections: a folded section stays folded on every page (remembered in this browser).
  var FOLDED_KEY = "gh-nav-folded";
  function folded() {
    try { return JSON.parse(window.localStorage.getItem(FOLDED_KEY) || "[]"); } catch (e) { return []; }
  }
  function applyFolded() {
    var keys = folded();
    document.querySelectorAll("details[data-nav-section]").forEach(function (section) {
      if (keys.indexOf(section.getAttribute("data-nav-section")) !== -1) section.open = false;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", applyFolded);
  else applyFolded();
  document.addEventListener("toggle", function (event) {
    var section = event.target;
    if (!section.matches || !section.matches("details[data-nav-section]")) return;
    var key = section.getAttribute("data-nav-section");
    var keys = folded().filter(function (k) { return k !== key; });
    if (!section.open) keys.push(key);
    try { window.localStorage.setItem(FOLDED_KEY, JSON.stringify(keys)); } catch (e) { /* private mode */ }
  }, true);
  // Conditional fields: an input with data-show-when="other=value" is shown (its whole
  // labelled block) only while the form's field "other" has that value.
  function applyShowWhen(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (input) {
      var rule = input.getAttribute("data-show-when").split("=");
      var other = form.elements.namedItem(rule[0]);
      var block = input.closest(".mb-3") || input;
      block.hidden = !other || other.value !== rule[1];
    });
  }
  function showWhenAll() { document.querySelectorAll("form").forEach(applyShowWhen); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showWhenAll);
  else showWhenAll();
  document.addEventListener("change", function (event) {
    if (event.target.form) applyShowWhen(event.target.form);
  });
  // Tree toggles: a second click folds an open node instead of reloading it.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var btn = event.detail.elt;
    if (btn.classList && btn.classList.contains("gh-toggle") && btn.getAttribute("aria-expanded") === "true") {
      event.preventDefault();
      var target = document.querySelector(btn.getAttribute("hx-target"));
      if (target) target.innerHTML = "";
      btn.setAttribute("aria-expanded", "false");
      btn.textContent = "+";
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var btn = event.detail.elt;
    if (btn.classList && btn.classList.contains("gh-toggle") && event.detail.successful) {
      btn.setAttribute("aria-expanded", "true");
      btn.textContent = "−";
    }
  });
})();
