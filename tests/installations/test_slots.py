"""Which slots an applicant is offered: their area, the installers' days and hours, the daily limit."""

from core.choices import Province
from installations import services
from installations.selectors import free_slots
from tests.visit_fixtures import at, give_profile


def test_it_offers_slots_from_24_hours_ahead_within_working_hours_for_14_days(approved):
    slots = free_slots(approved)
    starts = [s.starts_at for s in slots]
    assert starts[0] == at(8, 9)  # Tuesday 9:00: Monday 8:00 + 24 h rounds up to the next slot
    assert {s.hour for s in starts} == {9, 11, 13, 15}  # 17:00 would end after the working day
    assert all(s.weekday() < 5 for s in starts)  # Monday to Friday only
    assert max(starts) <= at(21, 8)  # 14 days


def test_it_offers_nothing_when_no_installer_serves_the_area(clock, application_in, installer, admin_user):
    app = application_in("approved")
    give_profile(installer, admin_user, areas=[(Province.SHANGHAI, "")])
    assert free_slots(app) == []


def test_a_city_area_covers_that_city_only(clock, application_in, installer, other_installer, admin_user):
    app = application_in("approved")  # in 北京市
    give_profile(installer, admin_user, areas=[(Province.BEIJING, "北京市")])
    give_profile(other_installer, admin_user, areas=[(Province.BEIJING, "延庆")])
    assert {i for s in free_slots(app) for i in s.installer_ids} == {installer.pk}


def test_a_full_day_disappears_and_a_booked_slot_is_not_offered(approved, other_applicant, application_in):
    first = services.installation_schedule(application=approved, by=approved.applicant, starts_at=at(8, 9))
    assert at(8, 9) not in [s.starts_at for s in free_slots(approved)]
    for hour in (11, 13):
        other = application_in("approved", owner=other_applicant)
        services.installation_schedule(application=other, by=other_applicant, starts_at=at(8, hour))
    assert first.installer_id == approved.visits.get().installer_id
    tuesday = [s for s in free_slots(approved) if s.starts_at.date() == at(8, 9).date()]
    assert tuesday == []  # three visits a day: 15:00 is free, but the installer is full


def test_two_installers_double_the_offer_of_a_slot(approved, other_installer, admin_user):
    give_profile(other_installer, admin_user)
    slot = free_slots(approved)[0]
    assert len(slot.installer_ids) == 2


def test_it_counts_its_queries_whatever_the_number_of_days_and_installers(
    approved, other_installer, admin_user, django_assert_max_num_queries
):
    give_profile(other_installer, admin_user)
    with django_assert_max_num_queries(3):
        free_slots(approved)


def test_an_installer_set_inactive_is_offered_no_new_visits(approved, beijing_installer, admin_user):
    from installations import selectors
    from installations import services as install_services
    from installations.models import InstallerProfile

    assert selectors.free_slots(approved)
    profile = InstallerProfile.objects.get(user=beijing_installer)
    install_services.installer_profile_save(
        installer=beijing_installer,
        by=admin_user,
        areas=[(a.province, a.city) for a in profile.areas.all()],
        working_days=profile.working_days,
        day_starts=profile.day_starts,
        day_ends=profile.day_ends,
        visits_per_day=profile.visits_per_day,
        is_active=False,
    )

    assert selectors.free_slots(approved) == []
