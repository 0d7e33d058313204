// The receiving bench (receiving.html), enhanced; it works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // A number the bench refused stays in the scan field, selected, so the
  // next scan replaces it instead of being appended to it.
  // (Chromium applies autofocus after this event, so the field is focused
  // here rather than asked whether it is.)
  var number = document.getElementById("number");
  if (number) {
    number.focus();
    if (number.value && document.getElementById("bench-problem")) number.select();
  }
  // Ticking an accessory missing goes on to the price to charge for it.
  document.querySelectorAll("#receive input[type=checkbox][name^='missing_']").forEach(function (box) {
    box.addEventListener("change", function () {
      var price = document.getElementById(box.id.replace(/^missing_/, "price_"));
      if (box.checked && price) price.focus();
    });
  });
});
