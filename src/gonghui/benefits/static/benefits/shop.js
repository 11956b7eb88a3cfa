// The counter's camera scan: read the member's QR with jsQR (vendored) and submit the token.
// Kept out of the markup: the CSP allows no inline script. Typed entry always works without it.
(function () {
  "use strict";
  var stream = null;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
  }

  function say(text) {
    var status = document.getElementById("gh-scan-status");
    if (status) { status.textContent = text; status.classList.remove("d-none"); }
  }

  function scan(video, canvas, form) {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        stop();
        document.getElementById("gh-token").value = code.data;
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(function () { scan(video, canvas, form); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-scan]");
    if (!button) return;
    event.preventDefault();
    var form = document.getElementById("gh-verify");
    var video = document.getElementById("gh-scan-video");
    var canvas = document.getElementById("gh-scan-canvas");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      say(button.getAttribute("data-unsupported") || "此浏览器无法使用摄像头，请输入卡号和动态码");
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.classList.remove("d-none");
      video.play();
      window.requestAnimationFrame(function () { scan(video, canvas, form); });
    }).catch(function () {
      say(button.getAttribute("data-denied") || "无法打开摄像头，请输入卡号和动态码");
    });
  });
  window.addEventListener("pagehide", stop);
})();
