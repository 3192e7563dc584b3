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
