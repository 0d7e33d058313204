// The RMA page's canned replies, without a round trip: "Put it in the
// message" adds the chosen reply's text to the message box in place (the
// button posts the form to the server, which does the same, where this
// script does not run). Nothing is sent until the desk presses Send.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector(".canned");
  var msg = document.getElementById("msg");
  if (!box || !msg) return;
  var pick = box.querySelector("select");
  var put = box.querySelector("button");
  put.addEventListener("click", function (e) {
    var opt = pick.options[pick.selectedIndex];
    if (!opt || !opt.dataset.body) return;
    e.preventDefault();
    msg.value = msg.value.trim() ? msg.value.replace(/\s+$/, "") + "\n\n" + opt.dataset.body : opt.dataset.body;
    msg.focus();
  });
});
