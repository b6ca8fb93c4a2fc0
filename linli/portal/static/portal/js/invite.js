// The slip's QR code opens /portal/invite/#CODE: the code stays in the fragment (never sent to the
// server or written to its logs) and is put into the field here. Without JavaScript it is typed.
document.addEventListener("DOMContentLoaded", function () {
  var code = decodeURIComponent(window.location.hash.replace(/^#/, "")).replace(/[^A-Za-z0-9]/g, "");
  var field = document.getElementById("id_code");
  if (code && field && !field.value) {
    field.value = code.slice(0, 4) + "-" + code.slice(4);
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
});
