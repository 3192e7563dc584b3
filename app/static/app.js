// Start the design system's components; the site works without JavaScript too.
document.documentElement.classList.remove("no-js");
if (window.DKFDS && typeof window.DKFDS.init === "function") {
  window.DKFDS.init();
}
// Move focus to the error summary so keyboard and screen-reader users hear what to fix.
var summary = document.getElementById("error-summary");
if (summary) { summary.focus(); }
