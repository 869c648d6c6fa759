// The review desk's little script: keyboard shortcuts (approving and rejecting ask first),
// ticking every row, glossary terms from a selection, and "use" for a machine translation.
// Everything works without it.
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

  // The a and r keys ask first: a bar at the foot of the page names the article and
  // waits for Enter (or its button) to submit the form, Esc (or Cancel) to close it.
  // The Approve and Reject buttons themselves still act at once: a click is deliberate.
  var asking = null;

  function closeBar() {
    if (!asking) { return; }
    var back = asking.bar.contains(document.activeElement) ? asking.focused : null;
    asking.bar.remove();
    asking = null;
    if (back && back.isConnected && back.focus) { back.focus({ preventScroll: true }); }
  }

  function confirmBar(formId, verb, style) {
    var form = document.getElementById(formId);
    if (!form) { return false; }
    closeBar();
    var found = /\/articles\/(\d+)\//.exec(form.getAttribute("action") || "");
    var bar = document.createElement("div");
    bar.className = "confirm-bar";
    bar.setAttribute("role", "alertdialog");
    bar.setAttribute("aria-live", "assertive");
    bar.dataset.form = formId;
    var text = document.createElement("span");
    text.className = "confirm-text";
    text.id = "confirm-text";
    text.textContent = verb + (found ? " article " + found[1] : " this article") +
      "? Enter to confirm, Esc to cancel";
    bar.setAttribute("aria-labelledby", text.id);
    var buttons = document.createElement("span");
    buttons.className = "confirm-buttons";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = style + " confirm-yes";
    yes.textContent = verb;
    var no = document.createElement("button");
    no.type = "button";
    no.className = "confirm-no";
    no.textContent = "Cancel";
    yes.addEventListener("click", function () { closeBar(); form.requestSubmit(); });
    no.addEventListener("click", closeBar);
    buttons.append(yes, no);
    bar.append(text, buttons);
    asking = { bar: bar, form: form, focused: document.activeElement };
    document.body.appendChild(bar);
    yes.focus({ preventScroll: true });
    return true;
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

    // Moving into a box or another control while the bar asks is an answer too: no.
    document.addEventListener("focusin", function (event) {
      if (asking && !asking.bar.contains(event.target)) { closeBar(); }
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (typing(event.target)) {
        if (event.key === "Escape") { event.target.blur(); }
        return;
      }
      if (asking) {
        if (event.key === "Escape") {
          closeBar();
          event.preventDefault();
          return;
        }
        if (event.key === "Enter") {
          // On one of the bar's buttons, Enter presses that button (Cancel cancels).
          if (asking.bar.contains(event.target)) { return; }
          var form = asking.form;
          closeBar();
          form.requestSubmit();
          event.preventDefault();
          return;
        }
        if (event.key !== "a" && event.key !== "r") { return; }
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
        case "a": if (!confirmBar("approve-form", "Approve", "primary")) { return; } break;
        case "r": if (!confirmBar("reject-form", "Reject", "danger")) { return; } break;
        default: return;
      }
      event.preventDefault();
    });
  });
})();
