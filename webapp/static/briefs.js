/* Briefs in the pages, written through the briefs API (docs/API.md "## Briefs").
   - Document view: "Cite in brief…" in the selection menu opens a card listing the viewer's
     briefs and a "New brief" field; choosing one cites the selection at the end of its body.
   - A brief's page: the editor (title and Markdown), its live preview (the server's sanitized
     rendering, never Markdown turned into HTML here), autosave on the revision it was made on,
     and a conflict shown with both texts when someone else saved meanwhile.
   Titles and texts from the server are set as text (textContent, value), never as HTML. */
const briefs = (function () {
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  return { call: api.call, problem: api.problem, element: element, newKey: api.newKey };
})();

/* Document view: cite the selected words in a brief. */
(function () {
  const article = document.querySelector("article.document[data-document-id]");
  if (!article || typeof dossier === "undefined" || !dossier.place) return;
  const { call, problem, element, newKey } = briefs;

  async function cite(card, found, brief) {
    const status = card.querySelector("[data-cite-status]");
    status.textContent = "Citing…";
    const result = await call("POST", "/api/briefs/" + encodeURIComponent(brief.id) + "/citations", {
      document_id: article.dataset.documentId,
      version: Number(article.dataset.documentVersion),
      start: found.start,
      end: found.end,
      quote: found.quote,
      append: true,
    });
    if (!result.ok) {
      status.textContent = problem(result);
      return;
    }
    const done = element("p", "card-heading", "Cited in " + result.data.brief.title + " · ");
    const open = element("a", "", "Open brief");
    open.href = "/briefs/" + encodeURIComponent(brief.id);
    done.append(open);
    card.replaceChildren(done);
    open.focus();
  }

  function newBriefForm(card, found) {
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
      await cite(card, found, result.data);
    });
    return form;
  }

  dossier.actions["cite-in-brief"] = async (found, focusBack) => {
    const card = element("div", "entity-card cite-card");
    card.setAttribute("role", "dialog");
    card.setAttribute("aria-label", "Cite in brief");
    card.append(element("p", "card-heading", "Cite in brief"));
    const list = element("ul", "cite-briefs");
    const status = element("p", "meta");
    status.dataset.citeStatus = "";
    status.setAttribute("role", "status");
    card.append(list, newBriefForm(card, found), status);
    dossier.place(card, found.rect, () => focusBack?.focus(), { sticky: true });
    const result = await call("GET", "/api/briefs?mine=1");
    if (!result.ok) {
      status.textContent = problem(result);
      return;
    }
    for (const brief of result.data.briefs) {
      const item = element("li");
      const choose = element("button", "link-button", brief.title);
      choose.type = "button";
      choose.addEventListener("click", () => cite(card, found, brief));
      item.append(choose);
      list.append(item);
    }
    card.querySelector("input[name='title']")?.focus();
  };
})();

/* A brief's page: verify, and the editor with live preview, autosave and conflicts. */
(function () {
  const page = document.querySelector("article.brief[data-brief-id]");
  if (!page) return;
  const { call, problem } = briefs;
  const url = "/api/briefs/" + encodeURIComponent(page.dataset.briefId);
  const status = page.querySelector("[data-brief-status]");
  let flush = async () => {}; // the editor saves unsaved changes first

  page.querySelector("[data-brief-verify]")?.addEventListener("click", async () => {
    status.textContent = "Verifying…";
    await flush();
    const result = await call("POST", url + "/verify");
    if (!result.ok) {
      status.textContent = problem(result);
      return;
    }
    window.location.reload(); // the page shows each note's new status
  });

  const form = page.querySelector("form[data-brief-editor]");
  if (!form) return;
  const title = form.elements.title;
  const body = form.elements.body;
  const saved = form.querySelector("[data-brief-saved]");
  const preview = form.querySelector("[data-brief-preview]");
  const conflict = page.querySelector("[data-brief-conflict]");
  let revision = Number(page.dataset.briefRevision);
  let last = { title: title.value, body: body.value };
  let saveTimer = null;
  let previewTimer = null;
  let saving = null;
  let held = false; // a conflict waits for the analyst's choice

  function dirty() {
    return title.value !== last.title || body.value !== last.body;
  }

  async function showPreview() {
    const result = await call("POST", url + "/preview", { body: body.value });
    if (!result.ok) {
      preview.textContent = problem(result);
      return;
    }
    // Sanitized by the server's one Markdown renderer (as the annotation note preview).
    preview.innerHTML = result.data.body_html + result.data.notes_html;
    // Its notes' ids and references, apart from the saved brief's shown above.
    preview.querySelectorAll("[id]").forEach((node) => (node.id = "preview-" + node.id));
    preview.querySelectorAll("a[href^='#']").forEach((a) => a.setAttribute("href", "#preview-" + a.getAttribute("href").slice(1)));
  }

  async function save() {
    if (held || !dirty()) return;
    if (saving) {
      await saving;
      return save();
    }
    const sent = { title: title.value, body: body.value };
    saved.textContent = "Saving…";
    saving = call("PATCH", url, sent, { "If-Match": '"rev-' + revision + '"' });
    const result = await saving;
    saving = null;
    if (result.status === 412) {
      showConflict(sent, result.data.current);
    } else if (!result.ok) {
      saved.textContent = problem(result);
    } else {
      revision = result.data.revision;
      last = sent;
      page.querySelector("[data-brief-revision-shown]").textContent = String(revision);
      saved.textContent = dirty() ? "Unsaved changes" : "Saved (revision " + revision + ").";
      if (dirty()) schedule();
    }
  }

  function schedule() {
    saved.textContent = "Unsaved changes";
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(save, 800);
  }

  function showConflict(mine, current) {
    held = true;
    conflict.hidden = false;
    conflict.querySelector("[data-conflict-yours]").value = mine.body;
    conflict.querySelector("[data-conflict-theirs]").value = current.body;
    conflict.current = current;
    saved.textContent = "Not saved: someone else saved this brief meanwhile. Choose below.";
    conflict.querySelector("[data-conflict-keep]").focus();
  }

  function resolve(takeTheirs) {
    const current = conflict.current;
    held = false;
    conflict.hidden = true;
    revision = current.revision;
    last = { title: current.title, body: current.body };
    if (takeTheirs) {
      title.value = current.title;
      body.value = current.body;
      saved.textContent = "Saved (revision " + revision + ").";
      showPreview();
    } else {
      save();
    }
    body.focus();
  }

  conflict.querySelector("[data-conflict-keep]").addEventListener("click", () => resolve(false));
  conflict.querySelector("[data-conflict-take]").addEventListener("click", () => resolve(true));
  flush = async () => {
    window.clearTimeout(saveTimer);
    await save();
  };
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", () => {
    schedule();
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(showPreview, 300);
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty()) event.preventDefault();
  });
  showPreview();
})();
