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
  var printButton = document.querySelector("[data-print]");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
})();
