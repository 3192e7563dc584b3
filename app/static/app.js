// Start the design system's components; the site works without JavaScript too.
document.documentElement.classList.remove("no-js");
if (window.DKFDS && typeof window.DKFDS.init === "function") {
  window.DKFDS.init();
}
// Move focus to the error summary so keyboard and screen-reader users hear what to fix.
var summary = document.getElementById("error-summary");
if (summary) { summary.focus(); }
// Application forms: hide questions that do not apply; the server decides the same without JavaScript.
(function () {
  var blocks = document.querySelectorAll("[data-show-if]");
  if (!blocks.length) { return; }
  function update() {
    blocks.forEach(function (block) {
      var inputs = document.querySelectorAll('input[name="' + block.dataset.showIf + '"]');
      var shown = Array.prototype.some.call(inputs, function (i) { return i.checked && i.value === block.dataset.showValue; });
      block.hidden = !shown;
    });
  }
  document.addEventListener("change", update);
  update();
})();
// Forms marked data-submit-once: one press is enough; the server also turns a second request into the receipt.
document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var button = form.querySelector("button[type=submit]");
    if (!button) { return; }
    if (button.dataset.sent) { event.preventDefault(); return; }
    button.dataset.sent = "1";
    button.setAttribute("aria-disabled", "true");
  });
});
// Warn before a long upload on a phone: too many or too large files are refused by the server anyway.
document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
  var live = document.getElementById(input.id + "-live");
  if (!live) { return; }
  input.addEventListener("change", function () {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10), n = parseInt(input.getAttribute("data-max-files"), 10);
    var messages = [];
    if (input.files.length > n) { messages.push(input.getAttribute("data-too-many")); }
    for (var i = 0; i < input.files.length; i++) {
      if (input.files[i].size > max) { messages.push(input.getAttribute("data-too-big").replace("{name}", input.files[i].name)); }
    }
    live.textContent = messages.join(" ");
    live.hidden = messages.length === 0;
  });
});
// Association sign-up: with JavaScript, show only the part that fits the kind chosen; without it, both.
(function () {
  var sections = document.querySelectorAll("[data-kind-section]");
  if (!sections.length) { return; }
  function update() {
    var chosen = document.querySelector("input[name=kind]:checked");
    sections.forEach(function (el) {
      el.hidden = Boolean(chosen) && el.getAttribute("data-kind-section") !== chosen.value;
    });
  }
  document.querySelectorAll("input[name=kind]").forEach(function (r) { r.addEventListener("change", update); });
  update();
})();
// The phone header's Menu button: opens and closes the user's links and the menu (Escape closes, focus stays).
(function () {
  var button = document.querySelector(".app-menu-button");
  if (!button) { return; }
  var parts = button.getAttribute("aria-controls").split(" ").map(function (id) { return document.getElementById(id); });
  function toggle(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    parts.forEach(function (part) { if (part) { part.classList.toggle("is-open", open); } });
  }
  button.addEventListener("click", function () { toggle(button.getAttribute("aria-expanded") !== "true"); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") { toggle(false); button.focus(); }
  });
})();
// Application forms: the budget's sums follow what is typed (whole kroner as the server reads them: 12500,
// 12.500, 12 500 kr.); the server adds up again on every save, and without JavaScript the "Flere linjer" button does.
document.querySelectorAll("[data-budget]").forEach(function (budget) {
  var format = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "da-DK");
  function kroner(text) {
    var t = text.trim().replace(/\s*kr\.?\s*$/i, "").replace(/[\s\u00a0]/g, "").replace(/,(00?|-)$/, "");
    if (/^\d{1,3}(\.\d{3})+$/.test(t)) { t = t.replace(/\./g, ""); }
    return /^\d{1,10}$/.test(t) ? parseInt(t, 10) : 0;
  }
  function sum(section) {
    var total = 0;
    budget.querySelectorAll('[data-budget-amount="' + section + '"]').forEach(function (input) { total += kroner(input.value); });
    return total;
  }
  function show(name, amount) {
    var el = budget.querySelector('[data-budget-total="' + name + '"]');
    if (el) { el.textContent = format.format(amount) + " kr."; }
  }
  function update() {
    var spent = sum("expenses"), earned = sum("income");
    show("expenses", spent); show("income", earned); show("applied", spent - earned);
  }
  budget.addEventListener("input", update);
  budget.querySelectorAll("[data-budget-no-js]").forEach(function (hint) { hint.hidden = true; });
});
