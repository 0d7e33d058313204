// The new-RMA form's units, without a round trip: the form ends with
// spare units folded in <details>, each inside the one before (that works
// without this script, up to the spares the page has); opening one makes
// it a unit like the others, and opening the last adds another spare.
// Nothing is sent, so every file already chosen stays chosen.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("new-rma");
  var count = document.getElementById("unit-count");
  if (!form || !count) return;
  var max = 20;
  // The add-a-unit button posts the form, which drops chosen files: the
  // spare replaces it where the script runs.
  form.querySelectorAll(".noscript-add").forEach(function (b) { b.hidden = true; });

  function renumber(el, from, to) {
    var re = new RegExp("([_-])" + from + "$");
    el.querySelectorAll("[id],[name],[for],[aria-describedby],[data-unit]").forEach(function (n) {
      ["id", "name", "for", "aria-describedby"].forEach(function (a) {
        var v = n.getAttribute(a);
        if (v) n.setAttribute(a, v.replace(re, "$1" + to));
      });
      if (n.dataset.unit) n.dataset.unit = String(to);
    });
    var legend = el.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.replace(/\d+\s*$/, String(to));
  }

  // Opening a spare makes its unit one like the others; the spares folded
  // inside it follow, and where it was the last a new one is made.
  function arm(spare) {
    spare.addEventListener("toggle", function () {
      if (!spare.open) return;
      var unit = spare.querySelector(":scope > fieldset.unit");
      var next = spare.querySelector(":scope > details.unit-spare");
      var n = Number(unit.dataset.unit);
      if (!next && n < max) {
        next = spare.cloneNode(true);
        next.open = false;
        renumber(next, n, n + 1);
        count.value = String(n + 1);
        arm(next);
      }
      spare.replaceWith(unit);
      if (next) unit.after(next);
      var first = unit.querySelector("input:not([type=checkbox]), select, textarea");
      if (first) first.focus();
    });
  }
  form.querySelectorAll("details.unit-spare").forEach(arm);
});
