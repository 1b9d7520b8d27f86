// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../govuk/govuk-frontend.min.js";
import { initAutosave } from "./autosave.mjs";
import { initCaseRecord } from "./case_record.mjs";
import { initOverrideReasons } from "./override_reason.mjs";
import { initShortcuts } from "./shortcuts.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
initAutosave(document);
initCaseRecord(document);
initOverrideReasons(document);
initShortcuts(document);
