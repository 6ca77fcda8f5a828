// paxvet's only script besides htmx: keeps keyboard focus sensible after an in-place update.
// No inline handlers anywhere (the Content-Security-Policy forbids them).
"use strict";
document.addEventListener("htmx:afterSwap", function (event) {
  var swapped = event.detail && event.detail.elt;
  if (!swapped || !swapped.querySelector) { return; }
  var status = swapped.matches("[role=status]") ? swapped : swapped.querySelector("[role=status]");
  if (status) {
    status.setAttribute("tabindex", "-1");
    status.focus();
  }
});
document.addEventListener("htmx:responseError", function () {
  var flash = document.getElementById("flash");
  if (flash) { flash.setAttribute("tabindex", "-1"); flash.focus(); }
});
