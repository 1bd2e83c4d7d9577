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

  // Keyboard: "/" focuses the search, "j"/"k" move through a list, "o" opens the current
  // row, "?" lists the keys. Ignored while typing in a field.
  var rows = function () {
    return Array.prototype.slice.call(document.querySelectorAll("table.orders tbody tr, table.grid tbody tr"))
      .filter(function (r) { return r.querySelector("a[href]"); });
  };
  var current = -1;
  var mark = function (list, index) {
    list.forEach(function (r) { r.classList.remove("kbd-current"); r.removeAttribute("aria-current"); });
    if (index >= 0 && list[index]) {
      list[index].classList.add("kbd-current");
      list[index].setAttribute("aria-current", "true");
      list[index].scrollIntoView({ block: "nearest" });
    }
  };
  var help = null;
  var toggleHelp = function () {
    if (!help) {
      help = document.createElement("div");
      help.className = "kbd-help";
      help.setAttribute("role", "dialog");
      help.setAttribute("aria-label", "Keyboard shortcuts");
      help.innerHTML = "<h2>Keys</h2><dl><dt>/</dt><dd>search</dd><dt>j / k</dt><dd>next / previous row</dd>" +
        "<dt>o</dt><dd>open the row</dd><dt>?</dt><dd>this list (Esc closes)</dd></dl>";
      document.body.appendChild(help);
      return;
    }
    help.hidden = !help.hidden;
  };
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var tag = target && target.tagName;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
      if (event.key === "Escape" && target.blur) { target.blur(); }
      return;
    }
    var list = rows();
    if (event.key === "/") {
      // The page's own search (a folder, the search page), else the top bar's: any order.
      var search = document.getElementById("q") || document.getElementById("top-q");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    } else if (event.key === "j" || event.key === "k") {
      if (!list.length) { return; }
      current = Math.max(0, Math.min(list.length - 1, current + (event.key === "j" ? 1 : -1)));
      mark(list, current);
    } else if (event.key === "o" && current >= 0 && list[current]) {
      list[current].querySelector("a[href]").click();
    } else if (event.key === "?") {
      toggleHelp();
    } else if (event.key === "Escape" && help) {
      help.hidden = true;
    }
  });
})();
