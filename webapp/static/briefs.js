/* Briefs in the pages, written through the briefs API (docs/API.md "## Briefs").
   - Document view: "Cite in brief…" in the selection menu (or on an annotation in the side
     panel) opens a card listing the viewer's briefs and a "New brief" field; choosing one
     cites the passage where that brief's editor last had its caret (the end without one) and
     tells any tab editing that brief to show the new text ("dossier-briefs" channel).
   - A brief's page: static/brief_editor.js.
   Titles and texts from the server are set as text (textContent, value), never as HTML. */
const briefs = (function () {
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Tell other tabs (a brief's editor) that a brief changed; they reload it if unedited. */
  function announce(brief) {
    if (!("BroadcastChannel" in window)) return;
    const channel = new BroadcastChannel("dossier-briefs");
    channel.postMessage({ brief: brief.id, revision: brief.revision });
    channel.close();
  }

  return { call: api.call, problem: api.problem, element: element, newKey: api.newKey, announce: announce };
})();

/* Document view: cite the selected words, or an annotation, in a brief. */
(function () {
  const article = document.querySelector("article.document[data-document-id]");
  if (!article || typeof dossier === "undefined" || !dossier.place) return;
  const { call, problem, element, newKey, announce } = briefs;

  /* `passage`: a selection's fields, or {annotation_id}; it goes in at the brief's caret. */
  async function cite(card, passage, brief) {
    const status = card.querySelector("[data-cite-status]");
    status.textContent = "Citing…";
    const url = "/api/briefs/" + encodeURIComponent(brief.id) + "/citations";
    const result = await call("POST", url, Object.assign({ insert: true }, passage));
    if (!result.ok) {
      status.textContent = problem(result);
      return;
    }
    announce(result.data.brief);
    const where = brief.cursor === null || brief.cursor === undefined ? ", at its end · " : ", at its cursor · ";
    const done = element("p", "card-heading", "Cited in " + result.data.brief.title + where);
    const open = element("a", "", "Open brief");
    open.href = "/briefs/" + encodeURIComponent(brief.id);
    done.append(open);
    card.replaceChildren(done);
    open.focus();
  }

  function newBriefForm(card, passage) {
    const form = element("form", "card-form");
    const label = element("label", "", "New brief");
    const title = element("input");
    title.type = "text";
    title.name = "title";
    title.required = true;
    title.maxLength = 300;
    label.append(title);
    const submit = element("button", "", "Create and cite");
    submit.type = "submit";
    form.append(label, submit);
    const key = newKey();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await call("POST", "/api/briefs", { title: title.value, client_key: key });
      if (!result.ok) {
        card.querySelector("[data-cite-status]").textContent = problem(result);
        return;
      }
      await cite(card, passage, result.data);
    });
    return form;
  }

  function selected(found) {
    return {
      document_id: article.dataset.documentId,
      version: Number(article.dataset.documentVersion),
      start: found.start,
      end: found.end,
      quote: found.quote,
    };
  }

  async function openCard(passage, rect, focusBack) {
    const card = element("div", "entity-card cite-card");
    card.setAttribute("role", "dialog");
    card.setAttribute("aria-label", "Cite in brief");
    card.append(element("p", "card-heading", "Cite in brief"));
    const list = element("ul", "cite-briefs");
    const status = element("p", "meta");
    status.dataset.citeStatus = "";
    status.setAttribute("role", "status");
    card.append(list, newBriefForm(card, passage), status);
    dossier.place(card, rect, () => focusBack?.focus(), { sticky: true });
    const result = await call("GET", "/api/briefs?mine=1");
    if (!result.ok) {
      status.textContent = problem(result);
      return;
    }
    for (const brief of result.data.briefs) {
      const item = element("li");
      const choose = element("button", "link-button", brief.title);
      choose.type = "button";
      choose.addEventListener("click", () => cite(card, passage, brief));
      item.append(choose);
      list.append(item);
    }
    card.querySelector("input[name='title']")?.focus();
  }

  dossier.actions["cite-in-brief"] = (found, focusBack) => openCard(selected(found), found.rect, focusBack);

  /* An annotation's "Cite in brief…" in the side panel cites its anchor. */
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-annotation-cite]") : null;
    if (!button) return;
    openCard({ annotation_id: button.dataset.annotationCite }, button.getBoundingClientRect(), button);
  });
})();
