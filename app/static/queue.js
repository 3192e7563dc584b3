// The caseworker's queue, as progressive enhancement: the page works the same without JavaScript.
(function () {
  // A search's counts per state come after the list (they cost more than the page): fetch the fragment
  // with the same filters and put it in place of the "Vis antal" link, then say so to screen readers.
  var counts = document.getElementById("queue-counts");
  var url = counts && counts.getAttribute("data-counts-url");
  if (!url || !window.fetch) { return; }
  fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
    .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
    .then(function (html) {
      counts.innerHTML = html;
      counts.removeAttribute("data-counts-url");
      var status = document.getElementById("queue-counts-status");
      if (status) { status.textContent = counts.getAttribute("data-counts-done"); }
    })
    .catch(function () { /* the "Vis antal" link stays: it shows the same page with the counts */ });
})();

(function () {
  var form = document.getElementById("queue-bulk");
  if (!form) { return; }

  // "3 sager valgt" next to the bulk actions. The two texts come from the server's ngettext
  // (Danish and English have one singular and one plural form).
  var count = document.getElementById("queue-selected");
  function updateCount() {
    if (!count) { return; }
    var n = form.querySelectorAll("input[name=sager]:checked").length;
    var text = n === 1 ? form.getAttribute("data-count-one") : form.getAttribute("data-count-other");
    count.textContent = text.replace("{n}", String(n));
    form.classList.toggle("app-queue--selected", n > 0);
  }
  form.addEventListener("change", updateCount);
  updateCount();

  // j and k move between the cases (Enter opens the focused one, as any link does).
  var links = Array.prototype.slice.call(form.querySelectorAll("a.q-link"));
  if (!links.length) { return; }
  var hint = form.querySelector(".app-queue-keys");
  if (hint) { hint.hidden = false; }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key !== "j" && event.key !== "k") { return; }
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(SELECT|TEXTAREA)$/.test(target.tagName)
      || (target.tagName === "INPUT" && target.type !== "checkbox"));
    if (typing) { return; }
    var row = target && target.closest ? target.closest("tr") : null;
    var current = row ? links.indexOf(row.querySelector("a.q-link")) : -1;
    var next = event.key === "j" ? current + 1 : (current < 0 ? 0 : current - 1);
    if (next < 0 || next >= links.length) { return; }
    event.preventDefault();
    links[next].focus();
  });
})();
