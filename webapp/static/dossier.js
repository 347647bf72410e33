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

/* Document view: remember which highlight layers are switched off. The checkboxes hide their
   layer through CSS alone; this only keeps the choice across pages (localStorage). */
(function () {
  const boxes = Array.from(document.querySelectorAll("input[data-layer-toggle]"));
  if (!boxes.length) return;
  const KEY = "dossier.layers.off";
  let off = [];
  try {
    off = JSON.parse(window.localStorage.getItem(KEY) || "[]");
  } catch (error) {
    off = [];
  }
  if (!Array.isArray(off)) off = [];
  boxes.forEach((box) => {
    if (off.includes(box.value)) box.checked = false;
    box.addEventListener("change", () => {
      const now = new Set(off);
      if (box.checked) now.delete(box.value);
      else now.add(box.value);
      off = Array.from(now);
      try {
        window.localStorage.setItem(KEY, JSON.stringify(off));
      } catch (error) {
        /* private mode or storage full: the toggle still works on this page */
      }
    });
  });
})();

/* Document view: entity mentions and selections.
   - Clicking a mention linked to the registry opens its entity page (Alt-click: its card).
   - Clicking any other mention opens a card: its type, "add to the registry", "not an entity".
   - Selecting words opens a form that tags them; it sends character offsets into the
     document's canonical text, counted in code points as the server counts them. The text
     container's textContent is exactly that text (webapp/highlight.py keeps it so). */
(function () {
  const text = document.querySelector("[data-document-text]");
  const cardTemplate = document.getElementById("mention-card");
  if (!text || !cardTemplate) return;
  const labels = JSON.parse(cardTemplate.dataset.typeLabels || "{}");
  const SOURCES = {
    analyst: "Tagged by an analyst",
    registry: "Registry name",
    rule: "Found by the date and number rules",
    model: "Found by the statistical model",
  };
  const MAX_TAG_CHARS = 300;
  let open = null;

  function close() {
    if (open) open.remove();
    open = null;
    document.querySelectorAll("mark.entity.focused").forEach((el) => el.classList.remove("focused"));
  }

  function place(card, rect) {
    document.body.appendChild(card);
    const width = card.offsetWidth;
    const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    card.style.left = left + window.scrollX + "px";
    card.style.top = rect.bottom + window.scrollY + 6 + "px";
    card.querySelector("[data-card-close]")?.addEventListener("click", close);
    open = card;
  }

  function pieces(mark) {
    return Array.from(text.querySelectorAll("mark.entity[data-mark='" + mark.dataset.mark + "']"));
  }

  function showCard(mark) {
    close();
    const parts = pieces(mark);
    parts.forEach((el) => el.classList.add("focused"));
    const surface = parts.map((el) => el.textContent).join("").replace(/\s+/g, " ").trim();
    const type = mark.dataset.type;
    const card = cardTemplate.content.firstElementChild.cloneNode(true);
    card.querySelector(".card-type .swatch").dataset.type = type;
    card.querySelector("[data-card-type]").textContent = (labels[type] || [type])[0];
    card.querySelector("[data-card-name]").textContent = mark.dataset.name || surface;
    card.querySelector("[data-card-source]").textContent = SOURCES[mark.dataset.source] || "";
    const linked = card.querySelector("[data-card-linked]");
    const unlinked = card.querySelector("[data-card-unlinked]");
    if (mark.dataset.href) {
      linked.querySelector("a").href = mark.dataset.href;
      unlinked?.remove();
    } else {
      linked.remove();
      if (unlinked) {
        unlinked.querySelector("[data-card-field='name']").value = surface.replace(/[\s:;,]+$/, "");
        const select = unlinked.querySelector("[data-card-field='type']");
        if (Array.from(select.options).some((o) => o.value === type)) select.value = type;
        else unlinked.remove(); // dates and sums are not registry entities
      }
    }
    const suppress = card.querySelector("[data-card-field='surface']");
    if (suppress) suppress.value = surface;
    place(card, parts[0].getBoundingClientRect());
  }

  function codePoints(value) {
    let n = 0;
    for (const _ of value) n++;
    return n;
  }

  /* The selection as [start, end) code-point offsets into the text, trimmed of white space,
     with the text it covers; null when it is not wholly inside the text. */
  function selectionOffsets() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const raw = range.toString();
    const quote = raw.trim();
    if (!quote) return null;
    const lead = raw.length - raw.trimStart().length;
    const start = codePoints(before.toString()) + codePoints(raw.slice(0, lead));
    return { start: start, end: start + codePoints(quote), quote: quote, rect: range.getBoundingClientRect() };
  }

  function showTagForm(found) {
    close();
    const template = document.getElementById("tag-form");
    if (!template) return;
    const card = template.content.firstElementChild.cloneNode(true);
    card.querySelector("[data-tag-field='start']").value = String(found.start);
    card.querySelector("[data-tag-field='end']").value = String(found.end);
    card.querySelector("[data-tag-field='quote']").value = found.quote;
    card.querySelector("[data-tag-quote]").textContent = found.quote;
    place(card, found.rect);
  }

  text.addEventListener("click", (event) => {
    const mark = event.target instanceof Element ? event.target.closest("mark.entity") : null;
    if (!mark || !window.getSelection()?.isCollapsed) return;
    if (mark.dataset.href && !event.altKey) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) {
        window.open(mark.dataset.href, "_blank", "noopener");
      } else {
        window.location.assign(mark.dataset.href);
      }
      return;
    }
    event.preventDefault();
    showCard(mark);
  });

  if (text.hasAttribute("data-taggable")) {
    text.addEventListener("mouseup", () => {
      window.setTimeout(() => {
        const found = selectionOffsets();
        if (found && found.quote.length <= MAX_TAG_CHARS) showTagForm(found);
      }, 0);
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  document.addEventListener("mousedown", (event) => {
    if (open && event.target instanceof Node && !open.contains(event.target)) close();
  });

  window.dossierSelectionOffsets = selectionOffsets; // for the browser tests and the console
})();
