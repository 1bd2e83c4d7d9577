// Optional enhancements; every flow works without this file.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (all) {
    var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="order_id"]'));
    var counter = document.querySelector(".selected-count");
    var update = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
      if (counter) { counter.textContent = n ? n + " selected" : ""; }
    };
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
    boxes.forEach(function (b) { b.addEventListener("change", update); });
  }
  // The rule form: a condition's operator list shows only the operators that fit its field.
  Array.prototype.forEach.call(document.querySelectorAll(".crow"), function (row) {
    var field = row.querySelector(".c-field"), op = row.querySelector(".c-op");
    if (!field || !op) { return; }
    var narrow = function () {
      var chosen = field.options[field.selectedIndex];
      var fits = ((chosen && chosen.getAttribute("data-ops")) || "").split(" ");
      Array.prototype.forEach.call(op.options, function (o) {
        o.hidden = fits[0] !== "" && fits.indexOf(o.value) < 0 && !o.selected;
      });
    };
    field.addEventListener("change", function () {
      var fits = (field.options[field.selectedIndex].getAttribute("data-ops") || "").split(" ");
      if (fits[0] !== "" && fits.indexOf(op.value) < 0) { op.value = fits[0]; }
      narrow();
    });
    op.addEventListener("change", narrow);
    narrow();
  });
  var printButton = document.querySelector("[data-print]");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
})();
