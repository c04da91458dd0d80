// Arrow keys move between workshop steps, unless someone is typing in a form field.
const frame = document.querySelector("[data-workshop]");
if (frame) {
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const href = event.key === "ArrowRight" ? frame.dataset.next : event.key === "ArrowLeft" ? frame.dataset.previous : null;
    if (href) {
      event.preventDefault();
      window.location.assign(href);
    }
  });
}
