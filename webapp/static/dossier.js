/* Dossier: small enhancements. Every page works without this file. */
"use strict";

/* Document view: previous / next hit buttons and the n / p keys. Without JavaScript the
   buttons are plain links to the first and last hit. A long document is shown a part at a
   time: past the last hit of the part (or before its first), the nav's data-hit-next-url
   (data-hit-previous-url) leads to the part with the next (previous) hit. */
(function () {
  const nav = document.querySelector("[data-hit-nav]");
  if (!nav) return;
  const status = nav.querySelector("[data-hit-status]");
  const inPart = nav.dataset.hitNextUrl ? " in this part" : "";
  // Looked up each time: saving an annotation redraws the text.
  const found = () => Array.from(document.querySelectorAll("mark.hit[id^='hit-']"));
  let current = found().findIndex((el) => "#" + el.id === window.location.hash);

  function show(index) {
    const hits = found();
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
    const hits = found();
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

/* Document view, one speaker's turns (?turns=REF): previous / next turn buttons. Without
   JavaScript they are plain links to the speaker's last and first turn. */
(function () {
  const nav = document.querySelector("[data-turn-nav]");
  if (!nav) return;
  const turns = Array.from(document.querySelectorAll("mark.speaker[data-chosen][id^='turn-']"));
  const status = nav.querySelector("[data-turn-status]");
  const name = nav.getAttribute("aria-label").replace(/^Turns of /, "");
  let current = turns.findIndex((el) => "#" + el.id === window.location.hash);

  function show(index) {
    if (!turns.length) return;
    current = (index + turns.length) % turns.length;
    const target = turns[current];
    turns.forEach((el) => el.classList.remove("current"));
    target.classList.add("current");
    target.scrollIntoView({ block: "start" });
    history.replaceState(null, "", "#" + target.id);
    if (status) status.textContent = "Turn " + (current + 1) + " of " + turns.length + " by " + name;
  }

  function step(delta) {
    const beyond = delta > 0 ? nav.dataset.turnNextUrl : nav.dataset.turnPreviousUrl;
    const atEdge = delta > 0 ? current === turns.length - 1 : current === 0;
    if (beyond && (atEdge || !turns.length)) window.location.assign(beyond);
    else if (current < 0) show(delta > 0 ? 0 : turns.length - 1);
    else show(current + delta);
  }

  nav.querySelector("[data-turn-next]")?.addEventListener("click", (event) => {
    event.preventDefault();
    step(1);
  });
  nav.querySelector("[data-turn-previous]")?.addEventListener("click", (event) => {
    event.preventDefault();
    step(-1);
  });
  if (current >= 0) show(current);
})();

/* Search page: re-run the search when the sort order or "only in annotated passages" changes. */
(function () {
  document.querySelectorAll("select[data-autosubmit], input[data-autosubmit]").forEach((select) => {
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

/* The JSON API client every page script uses (docs/API.md): the CSRF header on every call,
   errors in the API's one shape, and a client key that makes a retried create harmless. */
const api = (function () {
  function csrfToken() {
    return document.querySelector("meta[name='csrf-token']")?.content || "";
  }

  /* A key that makes a retried create harmless (crypto.randomUUID needs https). */
  function newKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function call(method, url, body, headers) {
    const options = {
      method: method,
      credentials: "same-origin",
      headers: Object.assign({ Accept: "application/json", "X-CSRF-Token": csrfToken() }, headers || {}),
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      return { ok: false, status: 0, data: { error: "The server did not answer. Check the connection and try again." } };
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
    }
    return { ok: response.ok, status: response.status, data: data };
  }

  function problem(result) {
    return (result.data && result.data.error) || "That did not work (" + result.status + "). Try again.";
  }

  return { call: call, problem: problem, newKey: newKey, csrfToken: csrfToken };
})();

/* Shared by the document view's parts below: the selection as offsets, and the one card
   (a mention's card, a form) open at a time. */
const dossier = {
  actions: {}, // what the selection menu's items do, by data-selection-action
  reattaching: null, // the annotation waiting for new words, if any
};

(function () {
  const text = document.querySelector("[data-document-text]");
  if (!text) return;
  let open = null;
  let onClose = null;
  let sticky = false;

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

  const WORD = /^[\p{L}\p{N}\p{M}'’_-]$/u;

  /* The character (a whole code point) just before / at index `i` of `s`. */
  function before(s, i) {
    const low = i >= 2 && /[\udc00-\udfff]/.test(s[i - 1]);
    return s.slice(low ? i - 2 : i - 1, i);
  }
  function at(s, i) {
    return String.fromCodePoint(s.codePointAt(i) ?? 32);
  }

  /* `range` widened to whole words: a mouse drag that stops inside a word ("last year, i")
     takes the whole word ("last year, it"), as the reader meant. Only within a text node: a
     word that a mark splits is left as selected. */
  function wholeWords(range) {
    const snapped = range.cloneRange();
    const first = snapped.startContainer;
    if (first.nodeType === Node.TEXT_NODE) {
      let i = snapped.startOffset;
      while (i > 0 && i < first.data.length && WORD.test(at(first.data, i)) && WORD.test(before(first.data, i))) {
        i -= before(first.data, i).length;
      }
      snapped.setStart(first, i);
    }
    const last = snapped.endContainer;
    if (last.nodeType === Node.TEXT_NODE) {
      let j = snapped.endOffset;
      while (j > 0 && j < last.data.length && WORD.test(before(last.data, j)) && WORD.test(at(last.data, j))) {
        j += at(last.data, j).length;
      }
      snapped.setEnd(last, j);
    }
    return snapped;
  }

  /* The selection, widened to whole words, as [start, end) code-point offsets into the text
     (as the server counts them), trimmed of white space, with the text it covers; null
     unless it is wholly inside the text. */
  function selectionOffsets() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = wholeWords(selection.getRangeAt(0));
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

  /* Show `card` below `rect` (viewport coordinates), or above it when there is no room below,
     closing any other; `closed` runs when it goes. A `sticky` card (a form being written) stays when the page is clicked elsewhere. */
  function place(card, rect, closed, options) {
    close();
    sticky = Boolean(options && options.sticky);
    document.body.appendChild(card);
    const width = card.offsetWidth;
    const height = card.offsetHeight;
    const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    const fitsBelow = rect.bottom + height + 12 <= window.innerHeight;
    const top = fitsBelow || rect.top - height - 6 < 0 ? rect.bottom + 6 : rect.top - height - 6;
    card.style.left = left + window.scrollX + "px";
    card.style.top = top + window.scrollY + "px";
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
    if (open && !sticky && event.target instanceof Node && !open.contains(event.target)) close();
  });

  Object.assign(dossier, {
    text: text,
    selectionOffsets: selectionOffsets,
    place: place,
    close: close,
    isOpen: (card) => open !== null && open === card,
    hasCard: () => open !== null,
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
    label: "The speaker's label of a turn",
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
      if (mark.dataset.nameHref) {
        const link = linked.querySelector("a");
        link.href = mark.dataset.nameHref;
        link.textContent = "Its mentions in every document →";
      } else {
        linked.remove();
      }
      if (unlinked) {
        unlinked.querySelector("[data-card-field='name']").value = surface.replace(/[\s:;,]+$/, "");
        const select = unlinked.querySelector("[data-card-field='type']");
        if (Array.from(select.options).some((o) => o.value === type)) select.value = type;
        else unlinked.remove(); // dates and sums are not registry entities
      }
    }
    const suppress = card.querySelector("[data-card-field='surface']");
    if (suppress) suppress.value = surface;
    const at = /^m-(\d+)$/.exec(parts[0].id);
    if (at) keepReadingAt(card, at[1]);
    dossier.place(card, parts[0].getBoundingClientRect(), unfocus);
    parts.forEach((el) => el.classList.add("focused"));
  }

  // After a correction, come back to where the analyst was reading: "?at=" finds the part and
  // the mention (or, with a query, the next hit) at that offset.
  function keepReadingAt(form, offset) {
    form.querySelectorAll("input[name='next']").forEach((input) => {
      const url = new URL(input.value, window.location.origin);
      url.searchParams.delete("part");
      url.searchParams.set("at", String(offset));
      input.value = url.pathname + url.search;
    });
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
    keepReadingAt(card, found.start);
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
    return menu ? Array.from(menu.querySelectorAll("[role='menuitem']:not([hidden])")) : [];
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
    const reattach = menu.querySelector("[data-selection-action='reattach']");
    if (reattach) reattach.hidden = !dossier.reattaching;
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
    const selected = dossier.hasCard() ? null : dossier.selectionOffsets();
    const same = selected && menu && found && selected.start === found.start && selected.end === found.end;
    if (same) return; // the menu for this selection is up: rebuilding it would move it under the pointer
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
    const isMenuKey =
      event.key === "ContextMenu" ||
      (event.key === "F10" && event.shiftKey) ||
      (event.key === "Enter" && event.target === text); // the text's own keys (below)
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

/* Document view: selecting a passage from the keyboard, without the browser's caret browsing.
   The text is one tab stop (a region described by #text-keys). There Down / Up select the
   next / previous sentence, Shift+Down / Shift+Up extend the selection by a sentence (or take
   one back), Home / End the first / last sentence of the part, and Enter opens the selection
   menu (Annotate, Copy link, ...), as Shift+F10 does; Escape clears the selection. Each move
   is announced. Sentences come from Intl.Segmenter, one paragraph (<p data-at>) at a time.
   Only when the text was reached with the keyboard: after a click in it, the arrows scroll the
   page as they always did, and the keys' hint (a fixed note that never moves the text under
   the pointer) stays hidden. */
(function () {
  const text = dossier.text;
  if (!text) return;
  const hint = document.getElementById("text-keys");
  const announcer = document.querySelector("[data-announce]");
  let sentences = null; // [{paragraph, start, end}]: UTF-16 offsets into its textContent
  let anchor = null; // the sentence where the selection started, and the one it reaches
  let reach = null;
  let pointer = false; // the text is being clicked: its focus does not come from the keyboard
  let keys = false; // the text was reached with the keyboard: its keys select sentences

  new MutationObserver(() => (sentences = null)).observe(text, { childList: true, subtree: true });

  function spans(value) {
    if (window.Intl && Intl.Segmenter) {
      const lang = text.lang || document.documentElement.lang || "en";
      const found = new Intl.Segmenter(lang, { granularity: "sentence" }).segment(value);
      return Array.from(found, (s) => [s.index, s.index + s.segment.length]);
    }
    return Array.from(value.matchAll(/[^.!?]+(?:[.!?]+["'”’)\]]*|$)\s*/g), (m) => [m.index, m.index + m[0].length]);
  }

  function all() {
    if (sentences) return sentences;
    sentences = [];
    for (const paragraph of text.querySelectorAll("p[data-at]")) {
      if (!paragraph.getClientRects().length) continue; // hidden (another speaker's turn)
      const value = paragraph.textContent;
      for (let [start, end] of spans(value)) {
        while (start < end && /\s/.test(value[start])) start++;
        while (end > start && /\s/.test(value[end - 1])) end--;
        if (end > start) sentences.push({ paragraph, start, end });
      }
    }
    return sentences;
  }

  /* The index of a sentence remembered before the text was redrawn, in the new list. */
  function indexOf(sentence) {
    if (!sentence) return -1;
    const at = sentence.paragraph.dataset.at;
    return all().findIndex((s) => s.paragraph.dataset.at === at && s.start === sentence.start);
  }

  /* The text node and offset `offset` characters into `element` (a start prefers the next node
     at a boundary, an end the one before). */
  function point(element, offset, isEnd) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let last = null;
    for (let node; (node = walker.nextNode()); last = node) {
      if (offset < node.data.length || (isEnd && offset === node.data.length)) return [node, offset];
      offset -= node.data.length;
    }
    return last ? [last, last.data.length] : [element, 0];
  }

  function firstInView() {
    const list = all();
    const i = list.findIndex((s) => s.paragraph.getBoundingClientRect().bottom > 60);
    return i < 0 ? 0 : i;
  }

  function select(from, to) {
    const list = all();
    const first = list[Math.min(from, to)];
    const last = list[Math.max(from, to)];
    anchor = list[from];
    reach = list[to];
    const range = document.createRange();
    range.setStart(...point(first.paragraph, first.start, false));
    range.setEnd(...point(last.paragraph, last.end, true));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    reach.paragraph.scrollIntoView({ block: "nearest" });
    const count = Math.abs(to - from) + 1;
    const words = range.toString().replace(/\s+/g, " ");
    const shown = words.length > 120 ? words.slice(0, 117) + "…" : words;
    say((count === 1 ? "Sentence: " : count + " sentences: ") + shown);
  }

  function say(message) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => (announcer.textContent = message), 30);
  }

  text.addEventListener("keydown", (event) => {
    if (!keys || event.target !== text || event.altKey || event.ctrlKey || event.metaKey) return;
    const list = all();
    if (!list.length) return;
    const from = indexOf(anchor);
    const to = indexOf(reach);
    const clamp = (i) => Math.max(0, Math.min(list.length - 1, i));
    let next = null;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      if (to < 0) next = [firstInView(), firstInView()];
      else if (event.shiftKey) next = [from < 0 ? to : from, clamp(to + step)];
      else next = [clamp(to + step), clamp(to + step)];
    } else if (event.key === "Home" || event.key === "End") {
      const end = event.key === "Home" ? 0 : list.length - 1;
      next = event.shiftKey && to >= 0 ? [from < 0 ? to : from, end] : [end, end];
    } else if (event.key === "Escape" && to >= 0) {
      window.getSelection().removeAllRanges();
      anchor = reach = null;
      say("Selection cleared.");
      return;
    }
    if (!next) return;
    event.preventDefault();
    select(next[0], next[1]);
  });
  function keyboard(on) {
    keys = on;
    if (hint) hint.hidden = !on;
  }
  text.addEventListener("mousedown", () => {
    pointer = true;
    keyboard(false);
  });
  text.addEventListener("focus", () => {
    keyboard(!pointer);
    pointer = false;
  });
  text.addEventListener("blur", () => {
    pointer = false;
    keyboard(false);
  });
})();

/* Document view: annotations and passage links, written through the JSON API (docs/API.md).
   The server renders everything that shows a note or a highlight: after a change the page
   fetches itself again and takes the new text and side panel from that copy, so
   webapp/highlight.py stays the one highlight merger, and no note becomes HTML here (the
   editor's preview is the server's sanitized rendering too). */
(function () {
  const article = document.querySelector("article.document[data-document-id]");
  const text = dossier.text;
  const editorTemplate = document.getElementById("annotation-editor");
  if (!article || !text || !editorTemplate) return;
  const documentId = article.dataset.documentId;
  const version = Number(article.dataset.documentVersion);
  const announcer = document.querySelector("[data-announce]");
  const tagList = document.getElementById("annotation-tag-list");

  const { call, problem, newKey } = api;

  function announce(message) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => (announcer.textContent = message), 30);
  }

  /* Take the text, the side panel and the layer counts from a fresh copy of this page. */
  async function redraw() {
    const url = new URL(window.location.href);
    url.hash = "";
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin" });
    } catch (error) {
      response = null;
    }
    if (!response || !response.ok) {
      window.location.reload();
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const nextText = fresh.querySelector("[data-document-text]");
    if (nextText) text.replaceChildren(...Array.from(nextText.childNodes, (n) => document.importNode(n, true)));
    const panel = document.querySelector("[data-annotation-panel]");
    const nextPanel = fresh.querySelector("[data-annotation-panel]");
    if (panel && nextPanel) panel.replaceWith(document.importNode(nextPanel, true));
    fresh.querySelectorAll("[data-layer] [data-layer-count]").forEach((count) => {
      const key = count.closest("[data-layer]").dataset.layer;
      const here = document.querySelector("[data-layer='" + key + "'] [data-layer-count]");
      if (here) here.textContent = count.textContent;
    });
  }

  function panelItem(id) {
    return document.querySelector("[data-annotation-item='" + id + "']");
  }

  function highlight(id) {
    text.querySelectorAll("mark.annotation.current").forEach((el) => el.classList.remove("current"));
    text.querySelectorAll("mark.annotation[data-annotation='" + id + "']").forEach((el) => el.classList.add("current"));
  }

  /* ---- the editor: a new annotation beside the selection, an edit in the side panel ---- */

  function valuesOf(form) {
    const field = (name) => form.elements.namedItem(name);
    return {
      note: field("note").value,
      tags: field("tags").value.split(",").map((t) => t.trim()).filter(Boolean),
      colour: form.querySelector("input[name='colour']:checked")?.value || "yellow",
      visibility: field("visibility").value,
    };
  }

  function fill(form, values) {
    const field = (name) => form.elements.namedItem(name);
    field("note").value = values.note || "";
    field("tags").value = (values.tags || []).join(", ");
    field("visibility").value = values.visibility || "private";
    const colour = form.querySelector("input[name='colour'][value='" + (values.colour || "yellow") + "']");
    if (colour) colour.checked = true;
  }

  function showError(form, message) {
    const box = form.querySelector("[data-editor-error]");
    box.classList.remove("warning");
    box.replaceChildren();
    message.split("\n").forEach((line) => {
      const p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    box.hidden = !message;
  }

  function watchPreview(form) {
    const note = form.elements.namedItem("note");
    const preview = form.querySelector("[data-note-preview]");
    let timer = 0;
    let asked = 0;
    async function render() {
      const ask = ++asked;
      if (!note.value.trim()) {
        preview.hidden = true;
        preview.replaceChildren();
        return;
      }
      let response;
      try {
        response = await fetch("/annotations/preview", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": api.csrfToken() },
          body: JSON.stringify({ note: note.value }),
        });
      } catch (error) {
        return;
      }
      const body = await response.text();
      if (ask !== asked) return; // a later keystroke asked again
      preview.hidden = false;
      if (response.ok) preview.innerHTML = body; // sanitized by the server's one renderer
      else preview.textContent = body;
    }
    note.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, 250);
    });
    render();
  }

  function watchTags(form) {
    const input = form.elements.namedItem("tags");
    let timer = 0;
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        const parts = input.value.split(",");
        const prefix = parts.pop().trim();
        const head = parts.map((t) => t.trim()).filter(Boolean);
        const result = await call("GET", "/api/annotations/tags?prefix=" + encodeURIComponent(prefix));
        if (!result.ok || !tagList) return;
        const chosen = new Set(head.map((t) => t.toLowerCase()));
        tagList.replaceChildren(
          ...result.data.tags
            .filter((t) => !chosen.has(t.tag.toLowerCase()))
            .map((t) => {
              const option = document.createElement("option");
              option.value = [...head, t.tag].join(", ");
              option.label = t.tag + " (" + t.count + ")";
              return option;
            })
        );
      }, 150);
    });
  }

  /* An editor form for `quote`, filled with `values`; `save(values)` answers an error message
     or null when saved; `done()` runs when it closes either way. */
  function editor(quote, values, save, done) {
    const form = editorTemplate.content.firstElementChild.cloneNode(true);
    form.querySelector("[data-editor-quote]").textContent =
      "“" + (quote.length > 160 ? quote.slice(0, 159) + "…" : quote) + "”";
    fill(form, values);
    const saved = JSON.stringify(valuesOf(form));
    form.dirty = () => JSON.stringify(valuesOf(form)) !== saved;
    watchPreview(form);
    watchTags(form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type='submit']");
      button.disabled = true;
      const error = await save(valuesOf(form), form);
      button.disabled = false;
      if (error) showError(form, error);
      else form.dirty = () => false;
    });
    const leave = (event) => {
      event.preventDefault();
      event.stopPropagation();
      event.stopImmediatePropagation(); // before the card's own close button handler
      if (form.dirty() && form.dataset.discard !== "yes") askToDiscard(form);
      else done();
    };
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === "Escape") {
        leave(event);
      }
    });
    form.addEventListener("input", () => {
      if (form.dataset.discard !== "yes") return;
      form.dataset.discard = "";
      showError(form, "");
    });
    form.querySelector("[data-editor-cancel]").addEventListener("click", leave);
    form.querySelector("[data-card-close]")?.addEventListener("click", leave);
    return form;
  }

  /* A written note is never thrown away by one stray Escape or click: the first asks, the
     second (with nothing typed in between) discards. */
  function askToDiscard(form) {
    form.dataset.discard = "yes";
    showError(form, "Discard your changes? Press Esc or Cancel again to discard them; Ctrl+Enter saves.");
    form.querySelector("[data-editor-error]").classList.add("warning");
    form.elements.namedItem("note").focus();
  }

  /* Leaving the page (a link, a reload, closing the tab) with a note not yet saved asks
     first, as the browser allows. */
  window.addEventListener("beforeunload", (event) => {
    const forms = document.querySelectorAll("form.annotation-editor");
    const replies = document.querySelectorAll("form[data-reply-form] textarea");
    const unsaved =
      Array.from(forms).some((form) => form.dirty && form.dirty()) ||
      Array.from(replies).some((area) => area.value.trim());
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = "";
  });

  dossier.actions.annotate = (found, focusBack) => {
    const key = newKey();
    let form = null;
    const close = () => {
      if (dossier.isOpen(form)) dossier.close();
    };
    form = editor(
      found.quote,
      {},
      async (values) => {
        const result = await call("POST", "/api/annotations", Object.assign(
          { document_id: documentId, version: version, start: found.start, end: found.end, quote: found.quote, client_key: key },
          values
        ));
        if (!result.ok) return problem(result);
        window.getSelection()?.removeAllRanges();
        await redraw();
        close();
        announce("Annotation saved.");
        panelItem(result.data.id)?.querySelector("[data-annotation-link]")?.focus();
        return null;
      },
      close
    );
    dossier.place(form, found.rect, () => focusBack?.focus(), { sticky: true });
    form.elements.namedItem("note").focus();
  };

  async function edit(item) {
    const id = item.dataset.annotationItem;
    const found = await call("GET", "/api/annotations/" + id);
    if (!found.ok) {
      announce(problem(found));
      return;
    }
    let annotation = found.data;
    const trigger = item.querySelector("[data-annotation-action='edit']");
    const shown = Array.from(item.children);
    const finish = () => {
      form.remove();
      shown.forEach((el) => (el.hidden = false));
      trigger?.focus();
    };
    const form = editor(
      annotation.anchor.quote,
      annotation,
      async (values) => {
        const result = await call("PATCH", "/api/annotations/" + id, values, { "If-Match": '"rev-' + annotation.revision + '"' });
        if (result.status === 412 && result.data && result.data.current) {
          annotation = result.data.current;
          return (
            "Someone changed this annotation while you were editing it. Theirs reads:\n" +
            (annotation.note || "(no note)") +
            "\nTags: " + (annotation.tags.join(", ") || "none") +
            "\nSave again to replace it with yours, or Cancel to keep theirs."
          );
        }
        if (!result.ok) return problem(result);
        await redraw();
        announce("Annotation updated.");
        panelItem(id)?.querySelector("[data-annotation-action='edit']")?.focus();
        return null;
      },
      finish
    );
    form.classList.add("in-panel");
    form.querySelector("[data-card-close]")?.remove();
    shown.forEach((el) => (el.hidden = true));
    item.appendChild(form);
    form.elements.namedItem("note").focus();
  }

  /* ---- the side panel's buttons ---- */

  async function remove(item, button) {
    if (button.dataset.confirm !== "yes") {
      const label = button.textContent;
      const name = button.getAttribute("aria-label");
      button.dataset.confirm = "yes";
      button.textContent = "Delete? Click again";
      button.setAttribute("aria-label", "Confirm: " + name);
      announce("Press Delete again to confirm.");
      window.setTimeout(() => {
        if (document.contains(button) && button.dataset.confirm === "yes") {
          button.dataset.confirm = "";
          button.textContent = label;
          button.setAttribute("aria-label", name);
        }
      }, 5000);
      return;
    }
    const id = item.dataset.annotationItem;
    const reply = button.dataset.replyId;
    const url = "/api/annotations/" + id + (reply ? "/replies/" + reply : "");
    const result = await call("DELETE", url);
    if (!result.ok && result.status !== 404) {
      announce(problem(result));
      return;
    }
    await redraw();
    if (reply) openReplies(id);
    announce(reply ? "Reply deleted." : "Annotation deleted.");
    document.getElementById("annotations-title")?.focus();
  }

  function openReplies(id) {
    const details = document.querySelector("[data-replies='" + id + "']");
    if (details) details.open = true;
    return details;
  }

  let reattaching = null;
  function waitForWords(item) {
    reattaching = item.dataset.annotationItem;
    dossier.reattaching = reattaching;
    item.classList.add("reattaching");
    announce("Select the new words in the text, then choose “Re-attach here” in the menu (Shift+F10).");
  }

  dossier.actions.reattach = async (found) => {
    const id = reattaching;
    if (!id) return;
    const result = await call("POST", "/api/annotations/" + id + "/reattach", {
      version: version, start: found.start, end: found.end, quote: found.quote,
    });
    if (!result.ok) {
      announce(problem(result));
      return;
    }
    reattaching = null;
    dossier.reattaching = null;
    window.getSelection()?.removeAllRanges();
    await redraw();
    highlight(id);
    announce("Annotation re-attached.");
    panelItem(id)?.querySelector("[data-annotation-link]")?.focus();
  };

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const item = target?.closest("[data-annotation-item]");
    if (!item) return;
    const button = target.closest("[data-annotation-action]");
    const link = target.closest("[data-annotation-link]");
    if (link) highlight(link.dataset.annotationLink);
    if (!button) return;
    const action = button.dataset.annotationAction;
    if (action === "edit") edit(item);
    else if (action === "delete" || action === "delete-reply") remove(item, button);
    else if (action === "reattach") waitForWords(item);
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target instanceof HTMLFormElement && event.target.matches("[data-reply-form]") ? event.target : null;
    if (!form) return;
    event.preventDefault();
    const id = form.closest("[data-annotation-item]").dataset.annotationItem;
    const body = form.elements.namedItem("body");
    if (!body.value.trim()) return;
    form.dataset.key = form.dataset.key || newKey();
    const result = await call("POST", "/api/annotations/" + id + "/replies", { body: body.value, client_key: form.dataset.key });
    if (!result.ok) {
      announce(problem(result));
      return;
    }
    await redraw();
    openReplies(id)?.querySelector("textarea")?.focus();
    announce("Reply added.");
  });

  /* Clicking a highlight (not a name inside it) shows its annotation in the side panel. */
  text.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const mark = target?.closest("mark.annotation");
    if (!mark || target.closest("mark.entity") || !window.getSelection()?.isCollapsed) return;
    const id = mark.dataset.annotation;
    highlight(id);
    const item = panelItem(id);
    if (item) {
      item.scrollIntoView({ block: "nearest" });
      item.classList.add("current");
      window.setTimeout(() => item.classList.remove("current"), 1500);
    }
  });

  /* ---- passage links and citations ---- */

  async function link(found) {
    return call("POST", "/api/passages", {
      document_id: documentId, version: version, start: found.start, end: found.end, quote: found.quote,
    });
  }

  function copied(found, label, value, focusBack) {
    const card = document.createElement("div");
    card.className = "entity-card copy-card";
    card.setAttribute("role", "status");
    const message = document.createElement("p");
    message.className = "card-heading";
    const field = document.createElement("input");
    field.type = "text";
    field.readOnly = true;
    field.value = value;
    field.setAttribute("aria-label", label);
    field.dataset.copied = "";
    card.append(message, field);
    dossier.place(card, found.rect, () => focusBack?.focus());
    field.select();
    const write = navigator.clipboard ? navigator.clipboard.writeText(value) : Promise.reject(new Error("no clipboard"));
    write.then(
      () => (message.textContent = label + " copied."),
      () => (message.textContent = label + ": press Ctrl+C to copy it.")
    );
    field.focus();
  }

  async function copyPassage(found, focusBack, what) {
    const result = await link(found);
    if (!result.ok) {
      announce(problem(result));
      return;
    }
    if (what === "link") copied(found, "Link", result.data.url, focusBack);
    else copied(found, "Citation", result.data.citation, focusBack);
  }

  dossier.actions["copy-link"] = (found, focusBack) => copyPassage(found, focusBack, "link");
  dossier.actions["copy-citation"] = (found, focusBack) => copyPassage(found, focusBack, "citation");

  const target = window.location.hash.match(/^#annotation-(.+)$/);
  if (target) highlight(decodeURIComponent(target[1]));
})();

/* Pages with a re-analysis notice: count the documents as they are re-analysed ("n of N"),
   from GET /api/reanalysis every 2 s, and once the page's documents are done (the document's
   own on a document view, every queued one elsewhere) offer to reload it: a reload keeps the
   address, so the document view opens where the reader was. Without JavaScript the notice
   shows the count as the page was served. */
(function () {
  const notice = document.querySelector("[data-reanalysis-pending]");
  if (!notice) return;
  const bar = notice.querySelector("progress");
  const said = notice.querySelector("[data-reanalysis-progress]");
  const documentId = notice.dataset.reanalysisDocument;
  const url = "/api/reanalysis" + (documentId ? "?document=" + encodeURIComponent(documentId) : "");
  const EVERY = 2000;
  const number = (n) => n.toLocaleString("en");

  function show(progress) {
    if (!progress || !said) return;
    if (bar) {
      bar.max = progress.total;
      bar.value = progress.done;
    }
    const noun = progress.total === 1 ? " document" : " documents";
    said.textContent = progress.text || number(progress.done) + " of " + number(progress.total) + noun + " re-analysed";
  }

  function finish() {
    if (bar) bar.value = bar.max;
    const lead = notice.querySelector("p");
    if (lead) {
      lead.textContent = documentId
        ? "This document has been re-analysed after the correction."
        : "Re-analysis after the correction is done.";
    }
    if (said) said.textContent = "";
    const reload = document.createElement("button");
    reload.type = "button";
    reload.textContent = "Reload to see the changes";
    reload.addEventListener("click", () => window.location.reload());
    (said || notice).append(reload);
    notice.dataset.reanalysisDone = "";
  }

  async function look() {
    let body;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      body = await response.json();
    } catch (error) {
      window.setTimeout(look, EVERY * 5); // the server is busy or away: look again later
      return;
    }
    show(body.progress);
    const finished = documentId ? body.documents && !body.documents[documentId] : body.pending === 0;
    if (finished) finish();
    else window.setTimeout(look, EVERY);
  }

  window.setTimeout(look, EVERY);
})();
