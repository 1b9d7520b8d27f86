// A question whose answer the case record holds asks for a reason only when the auditor's answer differs from
// the record's. Without JavaScript the reason field is always shown (its hint says when it is needed); with
// it, the field appears as soon as another answer is chosen, and stays while it holds a reason or an error.
function fit(group) {
  const form = group.closest("form");
  if (!form) return;
  const recordValue = group.dataset.appOverrideReason;
  const chosen = form.querySelector('input[name="value"]:checked');
  const reason = group.querySelector("textarea");
  group.hidden = !(
    !recordValue ||
    (chosen && chosen.value !== recordValue) ||
    (reason && reason.value.trim() !== "") ||
    group.classList.contains("govuk-form-group--error")
  );
}

function fitAll(root) {
  root.querySelectorAll("[data-app-override-reason]").forEach(fit);
}

export function initOverrideReasons(root) {
  if (!root.querySelector("[data-app-override-reason]")) return;
  root.addEventListener("change", (event) => {
    const form = event.target instanceof Element ? event.target.closest("form") : null;
    if (form) fitAll(form);
  });
  // Questions that come to apply after a gating answer arrive from the server: fit theirs too.
  const questions = root.getElementById ? root.getElementById("questions") : null;
  if (questions) new MutationObserver(() => fitAll(questions)).observe(questions, { childList: true });
  fitAll(root);
}
