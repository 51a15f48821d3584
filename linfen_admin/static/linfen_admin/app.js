/* Small behaviours of every page, without inline script (the Content-Security-Policy forbids it). */
(function () {
  "use strict";

  /* A control marked data-autosubmit submits its form when changed (the language choice, the e-mail digest). */
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  /* Progressive disclosure: an element with data-show-when="name=a,b" is shown only while the form's control
     called "name" has the value a or b. Hidden fields are disabled too, so they are not posted. */
  function controlValue(form, name) {
    var controls = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < controls.length; i++) {
      var control = controls[i];
      if (control.type === "radio" || control.type === "checkbox") {
        if (control.checked) { return control.value; }
      } else {
        return control.value;
      }
    }
    return "";
  }
  function applyShowWhen(root) {
    var blocks = root.querySelectorAll("[data-show-when]");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var form = block.closest("form") || document;
      var rule = block.getAttribute("data-show-when").split("=");
      var shown = rule[1].split(",").indexOf(controlValue(form, rule[0])) !== -1;
      block.hidden = !shown;
      var inputs = block.querySelectorAll("input, select, textarea");
      for (var j = 0; j < inputs.length; j++) { inputs[j].disabled = !shown; }
    }
  }
  document.addEventListener("change", function () { applyShowWhen(document); });

  /* The phone menu: the toggle opens and closes the navigation. */
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (!toggle) { return; }
    var bar = toggle.closest(".topbar");
    var open = !bar.classList.contains("open");
    bar.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  /* "Back" links go back in the browser's history when there is one. */
  document.addEventListener("click", function (event) {
    var back = event.target.closest && event.target.closest("[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  /* A background job's page polls its status until it ends, then reloads once to show the result. */
  function pollJob(section) {
    var url = section.getAttribute("data-job-status-url");
    if (!url || !window.fetch) { return; }
    var bar = section.querySelector("[data-job-bar]");
    var figures = section.querySelector("[data-job-figures]");
    var state = section.querySelector("[data-job-state]");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          bar.value = data.percent;
          bar.textContent = data.percent + "%";
          state.textContent = data.state_label;
          if (data.total) { figures.textContent = data.done + " / " + data.total + "(" + data.percent + "%)"; }
          if (data.finished) { window.location.reload(); } else { window.setTimeout(tick, 1500); }
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    window.setTimeout(tick, 1000);
  }

  function ready() {
    applyShowWhen(document);
    var job = document.querySelector("[data-job-status-url]");
    if (job) { pollJob(job); }
    /* After a refused save the error summary takes the focus, so it is read and seen first. */
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    /* A table wider than its box scrolls inside a box of its own (the page does not scroll sideways), and that
       box can be scrolled from the keyboard. Tables that fit keep their headers sticky to the window. */
    var tables = document.querySelectorAll("table.grid");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var parent = table.parentNode;
      if (table.classList.contains("chart-table")) { continue; }  /* a chart's table, hidden until needed */
      if (parent.classList.contains("table-wrap") || table.scrollWidth <= parent.clientWidth) { continue; }
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = table.getAttribute("aria-label") || (table.caption && table.caption.textContent);
      wrap.setAttribute("aria-label", caption || document.title);
      parent.insertBefore(wrap, table);
      wrap.appendChild(table);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
