// The scoring page's case record is a details, closed on a phone; from GOV.UK's tablet width (641px)
// it is open, and app.scss draws it as a panel beside the questions that stays in view.
const TABLET = "(min-width: 40.0625em)";

export function initCaseRecord(root) {
  const details = root.querySelector("[data-app-case-record]");
  if (!details) return;
  const wide = window.matchMedia(TABLET);
  const fit = () => {
    details.open = wide.matches;
  };
  fit();
  wide.addEventListener("change", fit);
}
