// A "copy" button beside a value shown once (a kiosk credential): copies the text of the
// element its data-copy names, and says so in its live region. Without JavaScript the
// button stays hidden and the value can be selected as before.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  var status = document.getElementById(button.dataset.status);
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      status.textContent = button.dataset.done;
    }, function () {
      status.textContent = button.dataset.failed;
    });
  });
});
