// The review desk's little script: keyboard shortcuts, ticking every row, glossary terms
// from a selection, and "use" for a machine translation. Everything works without it.
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function moveCurrent(items, step) {
    if (!items.length) { return null; }
    var index = items.findIndex(function (item) { return item.classList.contains("current"); });
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), items.length - 1);
    items.forEach(function (item) { item.classList.remove("current"); });
    items[next].classList.add("current");
    items[next].focus({ preventScroll: true });
    items[next].scrollIntoView({ block: "nearest" });
    return items[next];
  }

  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.requestSubmit(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = all.checked; });
      });
    }

    var source = document.getElementById("glossary-source");
    document.querySelectorAll("td.original").forEach(function (cell) {
      cell.addEventListener("mouseup", function () {
        var picked = String(window.getSelection() || "").trim();
        if (source && picked) {
          source.value = picked.slice(0, 512);
          var target = document.getElementById("glossary-target");
          if (target) { target.focus(); }
        }
      });
    });

    document.querySelectorAll("button.use-alt").forEach(function (button) {
      button.addEventListener("click", function () {
        var row = document.getElementById("block-" + button.dataset.position);
        var text = button.parentElement.querySelector(".alt-text");
        var box = row && row.querySelector("textarea");
        if (box && text) { box.value = text.textContent; box.focus(); }
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (typing(event.target)) {
        if (event.key === "Escape") { event.target.blur(); }
        return;
      }
      var blocks = Array.prototype.slice.call(document.querySelectorAll("tr.block"));
      var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row"));
      var items = blocks.length ? blocks : rows;
      var current = items.find(function (item) { return item.classList.contains("current"); });
      switch (event.key) {
        case "j": moveCurrent(items, 1); break;
        case "k": moveCurrent(items, -1); break;
        case "e": {
          var box = current && current.querySelector("textarea");
          if (box) { box.focus(); } else { return; }
          break;
        }
        case "x": {
          var tick = current && current.querySelector("input[name=ids]");
          if (tick) { tick.checked = !tick.checked; } else { return; }
          break;
        }
        case "Enter":
          if (current && current.dataset.href) { window.location.assign(current.dataset.href); } else { return; }
          break;
        case "a": submit("approve-form"); break;
        case "r": submit("reject-form"); break;
        default: return;
      }
      event.preventDefault();
    });
  });
})();
