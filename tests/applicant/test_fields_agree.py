from applications.forms import STEPS
from applications.forms_reviewer import fixable_choices
from applications.models import APPLICANT_FIELDS


def test_the_step_forms_cover_exactly_the_applicant_s_fields_in_order():
    fields = [name for step in STEPS for name in getattr(getattr(step.form_class, "Meta", None), "fields", [])]
    assert tuple(fields) == APPLICANT_FIELDS


def test_a_reviewer_may_ask_to_fix_every_field_the_applicant_fills_in():
    fixable = {key for key, _label in fixable_choices()}
    assert set(APPLICANT_FIELDS) - {"install_at_business_address"} <= fixable
