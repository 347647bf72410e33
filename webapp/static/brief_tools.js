/* Tools beside a brief's editor (templates/briefs/show.html), each inserting through
   `briefEditor.cite` at the caret, so a passage is cited exactly as one selected in its document
   (document, version, quote with context, offsets: the server anchors it).
   - Search the corpus: GET /api/search, the search page's own query language and snippets.
     "Insert at cursor" takes the words selected in a snippet, else the sentence of its hit in
     the document (a speaker's label left out).
   - Quotes typed by hand: GET .../quotes; "Link to this passage" adds the marker after the
     quote, "Mark unsourced" writes [unsourced] after it (shown flagged in the brief).
   Text from the server is set as text (textContent), never as HTML. */
(function () {
  if (typeof briefEditor === "undefined" || !briefEditor) return;
  const { call, problem, element } = briefs;
  const { points, units } = briefEditor;
  const page = document.querySelector("article.brief[data-brief-id]");
  const url = "/api/briefs/" + encodeURIComponent(page.dataset.briefId);

  /* A snippet as text with its hit words marked (spans count code points). */
  function snippetNode(snippet) {
    const node = element("p", "snippet");
    let done = 0;
    for (const [start, end] of snippet.spans) {
      const a = units(snippet.text, start);
      const b = units(snippet.text, end);
      node.append(snippet.text.slice(done, a), element("mark", "hit", snippet.text.slice(a, b)));
      done = b;
    }
    node.append(snippet.text.slice(done));
    return node;
  }

  /* The words selected inside `node` as UTF-16 offsets into its text, or null. */
  function selectedIn(node) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!node.contains(range.startContainer) || !node.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.selectNodeContents(node);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    return [start, start + range.toString().length];
  }

  /* The document's text, to widen a hit to its sentence (null for one in several parts). */
  const texts = new Map();
  async function documentText(hit) {
    const key = hit.id + "@" + hit.version;
    if (!texts.has(key)) {
      const query = new URLSearchParams({ version: String(hit.version) });
      const result = await call("GET", "/api/documents/" + encodeURIComponent(hit.id) + "?" + query);
      texts.set(key, result.ok && result.data.part.count === 1 ? result.data.text : null);
    }
    return texts.get(key);
  }

  /* [start, end) of the sentence of text around [a, b) (UTF-16), without a speaker's label. */
  function sentenceOf(text, a, b) {
    let start = a;
    while (start > 0 && text[start - 1] !== "\n" && !(/\s/.test(text[start - 1]) && /[.!?]["”’)]?$/.test(text.slice(Math.max(0, start - 3), start - 1)))) start--;
    while (/\s/.test(text[start] || "")) start++;
    if (start === 0 || text[start - 1] === "\n") {
      const label = /^[A-Z][^\n:.!?]{0,60}: /.exec(text.slice(start, a));
      if (label && label[0].split(" ").length <= 7) start += label[0].length;
    }
    let end = b;
    while (end < text.length && text[end] !== "\n" && !(/[.!?]/.test(text[end]) && /^(\s|$)/.test(text.slice(end + 1, end + 2)))) end++;
    if (end < text.length && /[.!?]/.test(text[end])) end++;
    return [start, end];
  }

  /* The passage of the snippet's first hit: its sentence in the document, else in the snippet
     (the whole snippet without a hit). */
  async function sentence(hit, snippet) {
    if (!snippet.spans.length) return { snippet: [0, snippet.text.length] };
    const [a, b] = snippet.spans[0].map((n) => units(snippet.text, n));
    const text = await documentText(hit);
    if (text === null) return { snippet: sentenceOf(snippet.text, a, b) };
    const at = units(text, snippet.start);
    return { document: sentenceOf(text, at + a, at + b), text: text };
  }

  /* The passage to cite: [a, b) of `text` (UTF-16; `offset`: where `text` starts in the
     document, in code points), widened to whole words and trimmed. */
  function passage(hit, text, offset, range) {
    let [a, b] = range;
    while (a > 0 && /\w/.test(text[a - 1]) && /\w/.test(text[a])) a--;
    while (b < text.length && /\w/.test(text[b]) && /\w/.test(text[b - 1])) b++;
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    const start = offset + points(text, a);
    const quote = text.slice(a, b);
    return { document_id: hit.id, version: hit.version, start: start, end: start + Array.from(quote).length, quote: quote };
  }

  async function chosenPassage(hit, snippet, selected) {
    if (selected) return passage(hit, snippet.text, snippet.start, selected);
    const found = await sentence(hit, snippet);
    if (found.document) return passage(hit, found.text, 0, found.document);
    return passage(hit, snippet.text, snippet.start, found.snippet);
  }

  function hitItem(hit, said) {
    const item = element("li", "brief-hit");
    const link = element("a", "", hit.title || hit.id);
    link.href = hit.url;
    link.target = "_blank";
    link.rel = "noopener";
    const meta = [hit.speaker, hit.date, hit.source].filter(Boolean).join(" · ");
    item.append(link, element("span", "meta", meta ? " · " + meta : ""));
    for (const snippet of hit.snippets) {
      const text = snippetNode(snippet);
      const insert = element("button", "link-button", "Insert at cursor");
      insert.type = "button";
      insert.setAttribute("aria-label", "Insert at cursor, from " + (hit.title || hit.id));
      let chosen = null; // read before the click can move the selection
      insert.addEventListener("pointerdown", () => (chosen = selectedIn(text)));
      insert.addEventListener("click", async () => {
        const selected = chosen || selectedIn(text);
        chosen = null;
        said.textContent = "Inserting…";
        const result = await briefEditor.cite(await chosenPassage(hit, snippet, selected));
        said.textContent = result.ok ? "Inserted “" + result.data.citation.anchor.quote + "” from " + (hit.title || hit.id) + "." : problem(result);
      });
      item.append(text, insert);
    }
    return item;
  }

  const search = page.querySelector("[data-brief-search]");
  const results = search.querySelector("[data-brief-search-results]");
  const said = search.querySelector("[data-brief-search-status]");
  const more = element("button", "link-button", "More results");
  more.type = "button";
  more.hidden = true;
  results.after(more);
  let asked = null; // the query shown and its last page

  async function show(query, number) {
    said.textContent = "Searching…";
    more.hidden = true;
    const params = new URLSearchParams({ q: query, per_page: "10", page: String(number) });
    const result = await call("GET", "/api/search?" + params);
    if (number === 1) results.replaceChildren();
    if (!result.ok) {
      said.textContent = problem(result);
      return;
    }
    asked = { query: query, page: number };
    for (const hit of result.data.hits) results.append(hitItem(hit, said));
    const total = result.data.total;
    const shown = results.children.length;
    said.textContent = total + " document" + (total === 1 ? "" : "s") + (total > shown ? ", the first " + shown + " shown" : "") + ".";
    more.hidden = total <= shown;
  }

  search.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    show(event.target.elements.q.value.trim(), 1);
  });
  more.addEventListener("click", () => show(asked.query, asked.page + 1));

  /* ---- quotes typed by hand ---- */
  const quotes = page.querySelector("[data-brief-quotes]");
  const list = quotes.querySelector("[data-brief-quote-list]");
  const told = quotes.querySelector("[data-brief-quotes-status]");
  let checked = null; // the text the offsets of the list refer to

  function offerItem(quote, offer) {
    const item = element("li");
    const name = [offer.speaker, offer.title || offer.document_id].filter(Boolean).join(", ");
    const link = element("button", "link-button", "Link to this passage");
    link.type = "button";
    link.setAttribute("aria-label", "Link “" + quote.quote + "” to the passage in " + name);
    link.addEventListener("click", async () => {
      if (briefEditor.body.value !== checked) return check("The text changed: checked again. Link it now.");
      const result = await briefEditor.cite(offer.selection, { at: quote.end + 1, markerOnly: true });
      await check(result.ok ? "Linked to " + name + "." : problem(result));
    });
    item.append(element("span", "", "In " + name + " "), link);
    return item;
  }

  function quoteItem(quote) {
    const item = element("li", "brief-quote" + (quote.unsourced ? " unsourced" : ""));
    item.append(element("q", "", quote.quote));
    if (quote.marked_unsourced) {
      item.append(element("span", "unsourced-flag", "unsourced"), element("span", "meta", " marked by you; delete [unsourced] after it to check it again"));
      return item;
    }
    item.append(element("span", "meta", quote.unsourced ? " not found in the corpus" : " found in the corpus:"));
    const offers = element("ul", "brief-offers");
    for (const offer of quote.offers) offers.append(offerItem(quote, offer));
    const mark = element("button", "link-button", "Mark unsourced");
    mark.type = "button";
    mark.setAttribute("aria-label", "Mark “" + quote.quote + "” unsourced");
    mark.addEventListener("click", () => markUnsourced(quote));
    item.append(offers, mark);
    return item;
  }

  async function markUnsourced(quote) {
    const body = briefEditor.body;
    if (body.value !== checked) return check("The text changed: checked again. Mark it now.");
    const at = units(body.value, quote.end + 1); // after the closing quotation mark
    body.setRangeText(" [unsourced]", at, at, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
    await briefEditor.flush();
    await check("Marked unsourced: the brief shows it flagged.");
  }

  async function check(message) {
    told.textContent = "Checking…";
    await briefEditor.flush();
    const text = briefEditor.body.value;
    const result = await call("GET", url + "/quotes");
    if (!result.ok) {
      told.textContent = problem(result);
      return;
    }
    checked = text;
    list.replaceChildren(...result.data.quotes.map(quoteItem));
    const count = result.data.quotes.filter((q) => !q.marked_unsourced).length;
    told.textContent = (message ? message + " " : "") + (count ? count + " quote" + (count === 1 ? "" : "s") + " without a note." : "Every quote has a note or is marked unsourced.");
  }

  quotes.querySelector("[data-brief-check-quotes]").addEventListener("click", () => check(""));
})();
