/* Dossier: small enhancements. Every page works without this file. */
"use strict";

/* Document view: previous / next hit buttons and the n / p keys. Without JavaScript the
   buttons are plain links to the first and last hit. A long document is shown a part at a
   time: past the last hit of the part (or before its first), the nav's data-hit-next-url
   (data-hit-previous-url) leads to the part with the next (previous) hit. */
(function () {
  const nav = document.querySelector("[data-hit-nav]");
  if (!nav) return;
  const hits = Array.from(document.querySelectorAll("mark.hit[id^='hit-']"));
  const status = nav.querySelector("[data-hit-status]");
  const inPart = nav.dataset.hitNextUrl ? " in this part" : "";
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
    if (status) status.textContent = "Hit " + (current + 1) + " of " + hits.length + inPart;
  }

  function step(delta) {
    const beyond = current >= 0 && (delta > 0 ? current >= hits.length - 1 : current === 0);
    const away = delta > 0 ? nav.dataset.hitNextUrl : nav.dataset.hitPreviousUrl;
    if (away && (beyond || !hits.length)) window.location.assign(away);
    else if (current < 0) show(delta > 0 ? 0 : hits.length - 1);
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

/* Shared by the document view's parts below: the selection as offsets, and the one card
   (a mention's card, a form) open at a time. */
const dossier = {
  actions: {}, // what the selection menu's items do, by data-selection-action
};

(function () {
  const text = document.querySelector("[data-document-text]");
  if (!text) return;
  let open = null;
  let onClose = null;

  function codePoints(value) {
    let n = 0;
    for (const _ of value) n++;
    return n;
  }

  function isParagraph(node) {
    return node instanceof HTMLElement && node !== text && node.dataset.at !== undefined;
  }

  /* The paragraph before a boundary point that sits between paragraphs, if any. */
  function paragraphBefore(node, offset) {
    let child;
    if (node === text) {
      child = text.childNodes[offset - 1] || null;
    } else {
      child = node;
      while (child.parentNode !== text) child = child.parentNode;
      child = child.previousSibling;
    }
    while (child && !isParagraph(child)) child = child.previousSibling;
    return child;
  }

  /* The code-point offset in the canonical text of a boundary point inside the text. Each
     paragraph says where it starts (data-at, webapp/highlight.py), so only the text of one
     paragraph is counted, and no markup outside it can shift the count. */
  function offsetAt(node, offset) {
    const element = node instanceof Element ? node : node.parentElement;
    const paragraph = element ? element.closest("[data-at]") : null;
    const range = document.createRange();
    let base;
    if (paragraph && paragraph !== text && text.contains(paragraph)) {
      range.setStart(paragraph, 0);
      base = Number(paragraph.dataset.at);
    } else {
      const before = paragraphBefore(node, offset);
      if (before) {
        range.setStartAfter(before);
        base = Number(before.dataset.at) + codePoints(before.textContent);
      } else {
        range.setStart(text, 0);
        base = Number(text.dataset.at || 0);
      }
    }
    range.setEnd(node, offset);
    return base + codePoints(range.toString());
  }

  /* The selection as [start, end) code-point offsets into the text (as the server counts
     them), trimmed of white space, with the text it covers; null unless it is wholly inside
     the text. */
  function selectionOffsets() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
    const raw = range.toString();
    const quote = raw.trim();
    if (!quote) return null;
    const lead = raw.length - raw.trimStart().length;
    const start = offsetAt(range.startContainer, range.startOffset) + codePoints(raw.slice(0, lead));
    const rects = range.getClientRects();
    return {
      start: start,
      end: start + codePoints(quote),
      quote: quote,
      rect: range.getBoundingClientRect(),
      last: rects.length ? rects[rects.length - 1] : range.getBoundingClientRect(),
    };
  }

  /* Show `card` below `rect` (viewport coordinates), closing any other; `closed` runs when it
     goes. */
  function place(card, rect, closed) {
    close();
    document.body.appendChild(card);
    const width = card.offsetWidth;
    const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    card.style.left = left + window.scrollX + "px";
    card.style.top = rect.bottom + window.scrollY + 6 + "px";
    card.querySelector("[data-card-close]")?.addEventListener("click", () => close());
    open = card;
    onClose = closed || null;
  }

  function close() {
    const was = open;
    const then = onClose;
    open = null;
    onClose = null;
    if (was) was.remove();
    if (then) then();
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && open) close();
  });
  document.addEventListener("mousedown", (event) => {
    if (open && event.target instanceof Node && !open.contains(event.target)) close();
  });

  Object.assign(dossier, {
    text: text,
    selectionOffsets: selectionOffsets,
    place: place,
    close: close,
    isOpen: (card) => open !== null && open === card,
  });
  window.dossierSelectionOffsets = selectionOffsets; // for the browser tests and the console
})();

/* Document view: entity mentions.
   - Clicking a mention linked to the registry opens its entity page (Alt-click: its card).
   - Clicking any other mention opens a card: its type, "add to the registry", "not an entity".
   - "Tag as entity" in the selection menu opens a form that tags the selected words. */
(function () {
  const text = dossier.text;
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

  function unfocus() {
    document.querySelectorAll("mark.entity.focused").forEach((el) => el.classList.remove("focused"));
  }

  function pieces(mark) {
    return Array.from(text.querySelectorAll("mark.entity[data-mark='" + mark.dataset.mark + "']"));
  }

  function showCard(mark) {
    const parts = pieces(mark);
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
    dossier.place(card, parts[0].getBoundingClientRect(), unfocus);
    parts.forEach((el) => el.classList.add("focused"));
  }

  function showTagForm(found, focusBack) {
    const template = document.getElementById("tag-form");
    if (!template) return;
    const card = template.content.firstElementChild.cloneNode(true);
    card.querySelector("[data-tag-field='start']").value = String(found.start);
    card.querySelector("[data-tag-field='end']").value = String(found.end);
    card.querySelector("[data-tag-field='quote']").value = found.quote;
    card.querySelector("[data-tag-quote]").textContent = found.quote;
    const tooLong = found.quote.length > MAX_TAG_CHARS;
    card.querySelector("[data-tag-too-long]").hidden = !tooLong;
    card.querySelector("button[type='submit']").disabled = tooLong;
    dossier.place(card, found.rect, () => focusBack?.focus());
    card.querySelector("select, input:not([type='hidden'])")?.focus();
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

  dossier.actions.tag = showTagForm;
})();

/* Document view: a selection inside the text offers a small menu beside it (never a form over
   the text): its items come from the page (<template id="selection-menu">) and run
   dossier.actions[data-selection-action]. It appears without taking the focus, so selecting
   words to copy them is undisturbed; Shift+F10 or the Menu key moves into it, the arrow keys
   move along it, Enter runs an item and Escape closes it, giving the focus back. */
(function () {
  const text = dossier.text;
  const template = document.getElementById("selection-menu");
  if (!text || !template || !template.content.querySelector("[role='menuitem']")) return;
  let menu = null;
  let found = null;
  let returnTo = null;
  let timer = 0;
  let dragging = false;

  function items() {
    return menu ? Array.from(menu.querySelectorAll("[role='menuitem']")) : [];
  }

  function focusItem(index) {
    const all = items();
    if (!all.length) return;
    const i = (index + all.length) % all.length;
    all.forEach((item, k) => (item.tabIndex = k === i ? 0 : -1));
    all[i].focus();
  }

  function hide() {
    if (menu) menu.remove();
    menu = null;
  }

  function show(selected) {
    hide();
    found = selected;
    menu = template.content.firstElementChild.cloneNode(true);
    document.body.appendChild(menu);
    const rect = selected.last;
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    const viewport = document.documentElement.clientWidth;
    const left = Math.max(8, Math.min(rect.right - width / 2, viewport - width - 8));
    const above = rect.top - height - 8;
    const top = above > 48 ? above : rect.bottom + 8; // below when the reading bar is in the way
    menu.style.left = left + window.scrollX + "px";
    menu.style.top = top + window.scrollY + "px";
    menu.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
    menu.addEventListener("click", (event) => {
      const item = event.target instanceof Element ? event.target.closest("[role='menuitem']") : null;
      if (item) run(item);
    });
    menu.addEventListener("keydown", onMenuKey);
  }

  function run(item) {
    const action = dossier.actions[item.dataset.selectionAction];
    const selected = found;
    const focusBack = returnTo;
    hide();
    returnTo = null;
    if (action && selected) action(selected, focusBack);
  }

  function onMenuKey(event) {
    const all = items();
    const i = all.indexOf(document.activeElement);
    const moves = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: -1 };
    if (event.key in moves) {
      event.preventDefault();
      focusItem(moves[event.key]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      leave();
    } else if (event.key === "Tab") {
      leave();
    } else if ((event.key === "Enter" || event.key === " ") && i >= 0) {
      event.preventDefault();
      run(all[i]);
    }
  }

  function leave() {
    const back = returnTo;
    hide();
    returnTo = null;
    if (back && document.contains(back)) back.focus();
  }

  function refresh() {
    const selected = dossier.selectionOffsets();
    if (selected) show(selected);
    else if (!menu || !menu.contains(document.activeElement)) hide();
  }

  text.addEventListener("mousedown", () => (dragging = true));
  document.addEventListener("mouseup", (event) => {
    const inText = event.target instanceof Node && text.contains(event.target);
    if (!dragging && !inText) return;
    dragging = false;
    window.setTimeout(refresh, 0);
  });
  document.addEventListener("selectionchange", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      if (!dragging && (!menu || !menu.contains(document.activeElement))) refresh();
    }, 250);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu) hide();
    const isMenuKey = event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey);
    if (!isMenuKey || (menu && menu.contains(document.activeElement))) return;
    const selected = dossier.selectionOffsets();
    if (!selected) return;
    event.preventDefault();
    returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    show(selected);
    focusItem(0);
  });
  document.addEventListener("contextmenu", (event) => {
    if (menu && menu.contains(document.activeElement)) event.preventDefault();
  });
})();
