// The new-RMA form's units, without a round trip: the form ends with a
// spare unit folded in a <details> (it works so without this script);
// opening it makes it a unit like the others and puts a new spare after
// it. Nothing is sent, so every file already chosen stays chosen.
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

  function arm(spare) {
    spare.addEventListener("toggle", function () {
      if (!spare.open) return;
      var unit = spare.querySelector("fieldset.unit");
      var n = Number(unit.dataset.unit);
      var next = null;
      if (n < max) {
        next = spare.cloneNode(true);
        next.open = false;
        renumber(next, n, n + 1);
        count.value = String(n + 1);
      }
      spare.replaceWith(unit);
      if (next) {
        unit.after(next);
        arm(next);
      }
      var first = unit.querySelector("input:not([type=checkbox]), select, textarea");
      if (first) first.focus();
    });
  }
  form.querySelectorAll("details.unit-spare").forEach(arm);
});
