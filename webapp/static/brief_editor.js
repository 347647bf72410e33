/* A brief's page (templates/briefs/show.html), through the briefs API (docs/API.md "## Briefs").
   - Verify re-checks every quote; the page then reloads with each note's status.
   - The editor (the owner's): title and Markdown, a live preview (the server's sanitized
     rendering, never Markdown turned into HTML here), autosave on the revision it was made on,
     and a conflict shown with both texts when someone else saved meanwhile.
   - The caret is saved with the text, and alone when only it moved (no new revision), so
     "Cite in brief…" in a document tab inserts there. Hidden, the tab saves at once; told by
     another tab that the brief changed (or shown again), it reloads the brief if unedited.
   - `briefEditor.cite` inserts a passage at the caret for the tools beside the editor
     (static/brief_tools.js: inline search, quotes typed by hand).
   Offsets sent to the server count code points (Python's str), not UTF-16 units. */
const briefEditor = (function () {
  const page = document.querySelector("article.brief[data-brief-id]");
  if (!page || typeof briefs === "undefined") return null;
  const { call, problem, announce } = briefs;
  const url = "/api/briefs/" + encodeURIComponent(page.dataset.briefId);
  const status = page.querySelector("[data-brief-status]");
  const form = page.querySelector("form[data-brief-editor]");

  /* Code points before UTF-16 index `i` of `text`, and back. */
  function points(text, i) {
    return Array.from(text.slice(0, i)).length;
  }
  function units(text, n) {
    let i = 0;
    for (let k = 0; k < n && i < text.length; k++) i += text.codePointAt(i) > 0xffff ? 2 : 1;
    return i;
  }

  let flush = async () => {};
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
  if (!form) return null;

  const title = form.elements.title;
  const body = form.elements.body;
  const saved = form.querySelector("[data-brief-saved]");
  const preview = page.querySelector("[data-brief-preview]");
  const conflict = page.querySelector("[data-brief-conflict]");
  const shown = page.querySelector("[data-brief-revision-shown]");
  const start = page.dataset.briefCursor;
  let revision = Number(page.dataset.briefRevision);
  let last = { title: title.value, body: body.value, cursor: start === "" ? null : Number(start) };
  let saveTimer = null;
  let previewTimer = null;
  let saving = null;
  let held = false; // a conflict waits for the analyst's choice

  function caret() {
    return points(body.value, body.selectionEnd);
  }
  function dirty() {
    return title.value !== last.title || body.value !== last.body;
  }
  function moved() {
    return caret() !== last.cursor;
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

  function settle(brief) {
    revision = brief.revision;
    shown.textContent = String(revision);
    page.dataset.briefRevision = String(revision);
  }

  /* Show the brief as the server has it (saved elsewhere), its caret where it was saved. */
  function adopt(brief, message) {
    settle(brief);
    title.value = brief.title;
    body.value = brief.body;
    last = { title: brief.title, body: brief.body, cursor: brief.cursor };
    const at = units(brief.body, brief.cursor === null ? Array.from(brief.body).length : brief.cursor);
    body.setSelectionRange(at, at);
    last.cursor = caret();
    page.dataset.briefCursor = brief.cursor === null ? "" : String(brief.cursor);
    saved.textContent = message;
    showPreview();
  }

  async function save() {
    if (held || !(dirty() || moved())) return;
    if (saving) {
      await saving;
      return save();
    }
    const edited = dirty();
    const sent = { title: title.value, body: body.value, cursor: caret() };
    if (edited) saved.textContent = "Saving…";
    saving = call("PATCH", url, edited ? sent : { cursor: sent.cursor }, { "If-Match": '"rev-' + revision + '"' });
    const result = await saving;
    saving = null;
    if (result.status === 412 && edited) showConflict(sent, result.data.current);
    else if (result.status === 412) adopt(result.data.current, "Reloaded: saved elsewhere (revision " + result.data.current.revision + ").");
    else if (!result.ok) saved.textContent = problem(result);
    else {
      settle(result.data);
      last = sent;
      page.dataset.briefCursor = String(sent.cursor); // where "Cite in brief…" now inserts
      if (edited) saved.textContent = dirty() ? "Unsaved changes" : "Saved (revision " + revision + ").";
      if (dirty()) schedule();
    }
  }

  function schedule() {
    if (dirty()) saved.textContent = "Unsaved changes";
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
    if (takeTheirs) {
      adopt(current, "Saved (revision " + current.revision + ").");
    } else {
      settle(current);
      last = { title: current.title, body: current.body, cursor: current.cursor };
      save();
    }
    body.focus();
  }

  /* Reload the brief if it changed elsewhere and nothing here is unsaved. */
  async function refresh(message) {
    if (held || dirty() || saving) return;
    const result = await call("GET", url);
    if (result.ok && result.data.revision !== revision && !dirty()) {
      adopt(result.data, message + " (revision " + result.data.revision + ").");
    }
  }

  /* Insert a passage (a selection's fields) at `at` (code points; the caret by default), or
     only its marker (`markerOnly`); answers the API's result. */
  async function cite(passage, options) {
    const placing = options || {};
    await flush();
    if (held) return { ok: false, status: 412, data: { error: "Choose a text in the conflict below first." } };
    if (dirty()) return { ok: false, status: 0, data: { error: "The text is not saved yet (" + saved.textContent + "): nothing inserted." } };
    const at = placing.at === undefined ? caret() : placing.at;
    const sent = Object.assign({}, passage, { at: at, revision: revision, marker_only: Boolean(placing.markerOnly) });
    const result = await call("POST", url + "/citations", sent);
    if (result.status === 412) {
      adopt(result.data.current, "The brief changed elsewhere and was reloaded: insert again.");
    } else if (result.ok) {
      adopt(result.data.brief, "Inserted note at the cursor (revision " + result.data.brief.revision + ").");
      announce(result.data.brief);
      body.focus();
    }
    return result;
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
  for (const name of ["keyup", "mouseup", "select"]) body.addEventListener(name, () => moved() && schedule());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
    else refresh("Reloaded: changed in another tab");
  });
  if ("BroadcastChannel" in window) {
    new BroadcastChannel("dossier-briefs").addEventListener("message", (event) => {
      if (event.data && event.data.brief === page.dataset.briefId && event.data.revision !== revision) {
        refresh("A citation was inserted at the cursor in another tab");
      }
    });
  }
  window.addEventListener("beforeunload", (event) => {
    if (dirty()) event.preventDefault();
  });
  // Where insertions go: the saved caret, else the end (as the server does without one).
  const at = last.cursor === null ? body.value.length : units(body.value, last.cursor);
  body.setSelectionRange(at, at);
  last.cursor = caret();
  showPreview();
  return { cite: cite, flush: () => flush(), body: body, caret: caret, points: points, units: units };
})();
