/* Dossier: small enhancements. Every page works without this file. */
"use strict";

/* Document view: previous / next hit buttons and the n / p keys. Without JavaScript the
   buttons are plain links to the first and last hit. */
(function () {
  const nav = document.querySelector("[data-hit-nav]");
  if (!nav) return;
  const hits = Array.from(document.querySelectorAll("mark.hit[id^='hit-']"));
  const status = nav.querySelector("[data-hit-status]");
  let current = hits.findIndex((el) => "#" + el.id === window.location.hash);

  function show(index) {
    if (!hits.length) return;
    current = (index + hits.length) % hits.length;
    const target = hits[current];
    document.querySelectorAll("mark.hit.current").forEach((el) => el.classList.remove("current"));
    document
      .querySelectorAll("mark.hit[data-mark='" + target.dataset.mark + "']")
      .forEach((el) => el.classList.add("current"));
    target.scrollIntoView({ block: "start" }); // scroll-margin-top places it mid-screen
    history.replaceState(null, "", "#" + target.id);
    if (status) status.textContent = "Hit " + (current + 1) + " of " + hits.length;
  }

  function step(delta) {
    if (current < 0) show(delta > 0 ? 0 : hits.length - 1);
    else show(current + delta);
  }

  nav.querySelector("[data-hit-next]")?.addEventListener("click", (event) => {
    event.preventDefault();
    step(1);
  });
  nav.querySelector("[data-hit-previous]")?.addEventListener("click", (event) => {
    event.preventDefault();
    step(-1);
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "n" || event.key === "j") step(1);
    else if (event.key === "p" || event.key === "k") step(-1);
  });
  if (current >= 0) show(current);
})();

/* Search page: re-run the search when the sort order changes. */
(function () {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form?.submit());
  });
})();
