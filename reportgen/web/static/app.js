// A chosen file's own name beside the 选择文件 button (the browser's own words are English in an English browser).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (input.type !== "file") { return; }
  var chosen = input.parentNode.querySelector(".chosen");
  if (chosen) { chosen.textContent = input.files.length ? input.files[0].name : "未选择文件"; }
});
