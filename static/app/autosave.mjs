// Autosave of the scoring page's questions and overall grade (forms marked data-autosave). Without
// JavaScript each form's Save button posts it; this module only takes over when it runs.
//
// Why a queue: a blur save of the notes used to race the click on an answer that caused the blur, and
// the earlier save (without the answer) won. Here a question has at most one save in flight; whatever
// changes meanwhile is sent once that save has answered, read from the form at that moment (every field,
// and the revision the last save returned), so the server always ends with the latest state.

const TYPING_PAUSE_MS = 800;
const NOT_SAVED = "Not saved - try again";
const SIGNED_OUT = "Not saved - you were signed out: sign in again in another tab, then try again";
let line = Promise.resolve(); // the page's saves, one after another (FormSaver.send)

class FormSaver {
  constructor(form) {
    this.form = form;
    this.inFlight = false;
    this.pending = false; // a change made while a save was in flight: send it when that save answers
    this.closed = false; // the form was replaced (someone else's save is shown): send nothing more from it
    this.timer = null;
    this.unsaved = false; // changed since the last save that answered "saved" (or a save failed)
    this.waiting = []; // settled() promises to resolve once nothing is left to send
  }

  // The question's block (or the overall grade's): the element the server's fragment redraws.
  get block() {
    return this.form.parentElement;
  }

  get status() {
    return this.form.querySelector(".app-save-status");
  }

  // Sends now what waits for a pause in the typing (or failed last time); resolves once nothing is left
  // to send.
  settled() {
    if (this.timer !== null || (this.unsaved && !this.inFlight)) this.save();
    if (!this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  typed() {
    this.unsaved = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), TYPING_PAUSE_MS);
  }

  save() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    this.unsaved = true;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.pending = false;
    this.inFlight = true;
    this.show("Saving...");
    line = line.then(() => this.send());
  }

  // One save at a time on the page, in the order they were made: each answer carries the progress ("9 of
  // 10 answered") as the server counted it, and two saves sent together could each count without the
  // other, or answer out of order, leaving the page a count behind what is saved.
  send() {
    const body = new FormData(this.form);
    // After signing in again (in another tab) the form's token is stale: the cookie holds the current one.
    const token = csrfCookie();
    if (token) body.set("csrfmiddlewaretoken", token);
    return fetch(this.form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", Accept: "text/html" },
    })
      .then((response) => response.text().then((html) => this.answered(response, html)))
      .catch(() => this.failed(NOT_SAVED))
      .finally(() => {
        this.inFlight = false;
        if (this.pending) this.save();
        else this.waiting.splice(0).forEach((resolve) => resolve());
      });
  }

  answered(response, html) {
    const fragment = parse(html);
    // Signed out (the log-in page came back) or the server failed: nothing was saved.
    if (response.redirected || response.status >= 500 || response.status === 403) {
      this.failed(response.redirected ? SIGNED_OUT : NOT_SAVED);
      return;
    }
    updateCaseStatus(fragment);
    const mine = fragment.getElementById(this.block.id);
    if (response.status === 409 && mine) {
      // Someone else saved it first: show their answer and what this auditor tried to save.
      this.closed = true;
      this.pending = false;
      this.unsaved = false; // the conflict is on the page, with what was not saved
      this.block.replaceWith(mine);
      const live = fragment.getElementById("scoring-live");
      const status = mine.querySelector(".app-save-status");
      if (status && live) status.textContent = live.textContent;
      return;
    }
    if (!response.ok || !mine) {
      const errors = mine ? [...mine.querySelectorAll(".govuk-error-message")] : [];
      const why = errors.map((e) => e.textContent.replace("Error:", "").trim()).join(" ");
      this.failed(why ? `Not saved: ${why}` : NOT_SAVED);
      if (mine) showFieldErrors(this.block, mine);
      return;
    }
    const revision = mine.querySelector("input[name=revision]");
    this.form.querySelector("input[name=revision]").value = revision.value;
    clearErrors(this.block);
    const questions = fragment.getElementById("questions");
    if (questions) redrawQuestions(questions);
    if (!this.pending && this.timer === null) this.unsaved = false;
    if (!this.pending) this.show(mine.querySelector(".app-save-status").textContent.trim());
  }

  failed(message) {
    this.show(message, true);
  }

  show(message, failed = false) {
    const status = this.status;
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("govuk-error-message", failed);
    let retry = this.form.querySelector(".app-retry");
    if (failed && !retry) {
      retry = document.createElement("button");
      retry.type = "button";
      retry.className = "govuk-button app-retry";
      retry.append("Try again");
      const hidden = document.createElement("span");
      hidden.className = "govuk-visually-hidden";
      hidden.textContent = ` to save ${this.form.dataset.autosave}`;
      retry.append(hidden);
      status.after(retry);
    } else if (!failed && retry) {
      if (document.activeElement === retry) {
        status.tabIndex = -1;
        status.focus();
      }
      retry.remove();
    }
  }
}

function csrfCookie() {
  const found = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return found ? decodeURIComponent(found.slice("csrftoken=".length)) : "";
}

function parse(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

// The header's status and the progress ("7 of 10 answered") come out of band with every save.
function updateCaseStatus(fragment) {
  for (const id of ["case-status", "scoring-progress"]) {
    const fresh = fragment.getElementById(id);
    const current = document.getElementById(id);
    if (fresh && current) {
      fresh.removeAttribute("hx-swap-oob");
      current.replaceWith(fresh);
    }
  }
}

// Saved: the errors of an earlier attempt, and the warning of a conflict already resolved, go.
function clearErrors(block) {
  block.querySelectorAll(".govuk-error-message:not(.app-save-status)").forEach((e) => e.remove());
  block.querySelectorAll("form > .govuk-warning-text, form > .govuk-inset-text").forEach((e) => e.remove());
  block.querySelectorAll(".govuk-form-group--error").forEach((e) => e.classList.remove("govuk-form-group--error"));
  block.querySelectorAll(".govuk-textarea--error").forEach((e) => e.classList.remove("govuk-textarea--error"));
}

// Refused: a textarea's error (the reason an override of the case record needs) is shown at the field, as
// the server drew it, leaving what the auditor typed and chose as it is.
function showFieldErrors(block, fresh) {
  fresh.querySelectorAll("textarea.govuk-textarea--error").forEach((field) => {
    const current = block.querySelector(`textarea[id="${field.id}"]`);
    const message = fresh.querySelector(`[id="${field.id}-error"]`);
    if (!current || !message || block.querySelector(`[id="${field.id}-error"]`)) return;
    current.before(message);
    current.classList.add("govuk-textarea--error");
    current.setAttribute("aria-describedby", field.getAttribute("aria-describedby"));
    current.closest(".govuk-form-group")?.classList.add("govuk-form-group--error");
  });
}

// A gating answer changed which questions apply: take the server's list, but keep every question already
// on the page as it is (its typed text, its checked answer, its save in flight, the focus).
function redrawQuestions(fresh) {
  const container = document.getElementById("questions");
  const wanted = [...fresh.children].map((node) => {
    const kept = node.id ? document.getElementById(node.id) : null;
    return kept && kept.classList.contains("app-question") && container.contains(kept) ? kept : node;
  });
  const focused = document.activeElement;
  wanted.forEach((node, index) => {
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
  });
  while (container.children.length > wanted.length) container.lastElementChild.remove();
  if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus();
}

const savers = new WeakMap();

function saverFor(target) {
  const form = target instanceof Element ? target.closest("form[data-autosave]") : null;
  if (!form) return null;
  if (!savers.has(form)) savers.set(form, new FormSaver(form));
  return savers.get(form);
}

export function initAutosave(root) {
  if (!root.querySelector("form[data-autosave]")) return;
  const unsaved = () =>
    [...root.querySelectorAll("form[data-autosave]")].map((form) => savers.get(form)).filter((s) => s?.unsaved);
  let leaving = false;
  root.addEventListener("input", (event) => {
    if (event.target.matches("textarea")) saverFor(event.target)?.typed();
  });
  // A radio's change, and a textarea's change when it loses focus, save at once.
  root.addEventListener("change", (event) => saverFor(event.target)?.save());
  root.addEventListener("submit", (event) => {
    const saver = saverFor(event.target);
    if (saver) {
      event.preventDefault();
      saver.save();
      return;
    }
    // Another form (Submit case audit, Sign out) waits for the saves, and stays if one of them failed.
    const waiting = unsaved();
    if (leaving || !waiting.length) return;
    event.preventDefault();
    const form = event.target;
    Promise.all(waiting.map((s) => s.settled())).then(() => {
      const failed = unsaved();
      if (failed.length) {
        failed[0].form.querySelector(".app-retry")?.focus();
        return;
      }
      leaving = true;
      form.submit();
    });
  });
  root.addEventListener("click", (event) => {
    const retry = event.target instanceof Element ? event.target.closest(".app-retry") : null;
    if (retry) saverFor(retry)?.save();
  });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || !unsaved().length) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers ask only when this is set
  });
}
