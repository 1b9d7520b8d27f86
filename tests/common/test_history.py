"""`save_with_history`: the history row names who made the change and why, with no request behind it."""

from common.history import REASON_MAX, save_with_history
from tests.factories import S47EnquiryFactory


def test_it_records_the_user_and_the_reason(manager):
    enquiry = S47EnquiryFactory.create()
    enquiry.chronology_on_file = True
    save_with_history(enquiry, user=manager, reason="Chronology found")
    latest = enquiry.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.chronology_on_file) == (
        manager,
        "Chronology found",
        True,
    )


def test_a_long_reason_is_cut_to_the_column(manager):
    enquiry = S47EnquiryFactory.create()
    save_with_history(enquiry, user=manager, reason="x" * (REASON_MAX + 20))
    assert enquiry.history.latest().history_change_reason == "x" * REASON_MAX


def test_no_reason_is_stored_as_none_not_a_reason_left_from_an_earlier_save(manager, auditor):
    enquiry = S47EnquiryFactory.create()
    save_with_history(enquiry, user=manager, reason="First")
    save_with_history(enquiry, user=auditor)
    latest = enquiry.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (auditor, None)


def test_it_passes_the_save_arguments_on(manager):
    """Only the fields named are written: the other change stays in memory."""
    enquiry = S47EnquiryFactory.create()
    enquiry.chronology_on_file, enquiry.consent = True, "given"
    save_with_history(enquiry, user=manager, reason="Chronology", update_fields=["chronology_on_file"])
    enquiry.refresh_from_db()
    assert (enquiry.chronology_on_file, enquiry.consent) == (True, "")
