// Keyboard shortcuts for a rating question's answers on the scoring page: with focus on one of the
// question's radios, Y, P, N and A choose Yes, Partly, No and Not applicable.
//
// WCAG 2.1.4 (character key shortcuts): they act only while the question's answers have the focus, never in
// a text box, and never with Ctrl, Alt or Meta (the browser's and the screen reader's own shortcuts). The
// key clicks the radio, exactly as a mouse would, so the answer is saved by autosave.mjs's queue for that
// question. The focus moves to the chosen answer, as the arrow keys move it, and stays in the question:
// moving it on to the next question would be a change the auditor did not ask for (WCAG 3.2.2); Tab moves on.

const KEYS = { y: "yes", p: "partly", n: "no", a: "na" };
const ANSWERS = "form[data-autosave] input[type=radio][name=value]";

function answerFor(event) {
  const radio = event.target;
  if (!(radio instanceof HTMLInputElement) || !radio.matches(ANSWERS)) return null;
  if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return null;
  const value = KEYS[event.key.length === 1 ? event.key.toLowerCase() : ""];
  if (!value) return null;
  const group = radio.form.querySelectorAll("input[type=radio][name=value]");
  return [...group].find((r) => r.value === value && !r.disabled) || null;
}

// Screen readers announce a control's shortcut from aria-keyshortcuts. Set as the focus arrives, so a
// question the server redraws (a gating answer, a conflict) has it too.
function describe(event) {
  const radio = event.target;
  if (!(radio instanceof HTMLInputElement) || !radio.matches(ANSWERS)) return;
  const keys = Object.fromEntries(Object.entries(KEYS).map(([key, value]) => [value, key.toUpperCase()]));
  radio.form.querySelectorAll("input[type=radio][name=value]").forEach((r) => {
    if (keys[r.value] && !r.hasAttribute("aria-keyshortcuts")) r.setAttribute("aria-keyshortcuts", keys[r.value]);
  });
}

export function initShortcuts(root) {
  if (!root.querySelector(ANSWERS)) return;
  // The hint is in the page hidden: without JavaScript there are no shortcuts to tell of.
  root.querySelectorAll("[data-shortcuts-hint]").forEach((hint) => {
    hint.hidden = false;
  });
  root.addEventListener("focusin", describe);
  root.addEventListener("keydown", (event) => {
    const choice = answerFor(event);
    if (!choice) return;
    event.preventDefault();
    if (!choice.checked) choice.click(); // checks it and fires change: autosave.mjs saves the question
    choice.focus();
  });
}
