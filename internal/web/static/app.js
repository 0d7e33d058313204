// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Drag and drop onto an upload field's label.
  document.querySelectorAll("label.drop").forEach(function (label) {
    var input = document.getElementById(label.htmlFor);
    if (!input) return;
    ["dragenter", "dragover"].forEach(function (t) {
      label.addEventListener(t, function (e) { e.preventDefault(); label.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      label.addEventListener(t, function () { label.classList.remove("over"); });
    });
    label.addEventListener("drop", function (e) {
      e.preventDefault();
      input.files = e.dataTransfer.files;
      label.textContent = Array.from(input.files).map(function (f) { return f.name; }).join(", ");
    });
  });
  // The policy preview without leaving the page, so chosen files stay chosen.
  var preview = document.getElementById("preview");
  if (preview) {
    preview.addEventListener("click", function (e) {
      var form = preview.form;
      if (!form.reportValidity()) return;
      e.preventDefault();
      var data = new FormData(form);
      // Files are not sent for a preview: a chosen file counts as that document.
      form.querySelectorAll("input[type=file][name^='doc_']").forEach(function (input) {
        if (input.files.length) data.set("has_" + input.name.slice(4), "1");
        data.delete(input.name);
      });
      fetch("/rmas/preview", { method: "POST", body: data, headers: { "X-Preview": "fragment" }, credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) { document.getElementById("verdicts").innerHTML = html; document.getElementById("verdicts").scrollIntoView(); });
    });
  }
  // A new API key's copy button: without this file the key is selected
  // whole by one click (CSS user-select: all) and copied by hand.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = document.getElementById("copy-status");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) status.textContent = button.dataset.copied;
      }, function () {
        // Not allowed here: select the key, to be copied by hand.
        var range = document.createRange();
        range.selectNodeContents(source);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
      });
    });
  });
});
