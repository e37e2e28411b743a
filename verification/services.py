"""Every write of the verification context: start the checks of a submission, ask the services,
score, route; publish a policy; record a second look.

Routing goes through the application's own services (claim, checklist, approve / reject), by
the verification's system user, whose name is on every history row it writes. Nothing is
approved on evidence that is missing, inconclusive or of another version of the application.
"""

import hashlib
import hmac
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, has_role
from applications import services as app_services
from applications.choices import RejectionReason, ReviewCheck, Status
from applications.hooks import Origin, Refusal
from applications.models import APPLICANT_FIELDS, MerchantApplication
from applications.selectors import history_for
from applications.workflow import locked
from core import texts
from core.errors import ConditionsNotMet, RoleRefused, WorkflowError
from notifications.services import notify

from . import providers, rules
from .choices import (
    CONCLUSIVE,
    SENIOR_GROUP,
    SYSTEM_USERNAME,
    TRANSIENT,
    Band,
    CheckKind,
    Outcome,
    Route,
    Verdict,
)
from .jobs import STALLED_AFTER
from .models import Assessment, Evidence, RiskPolicy

_paused = False


@contextmanager
def paused():
    """No checks start on submit inside this block (seed_demo walks its samples by hand)."""
    global _paused
    before, _paused = _paused, True
    try:
        yield
    finally:
        _paused = before


# --- Who acts -------------------------------------------------------------------------------


def system_user() -> User:
    """The verification's own account: a reviewer that no one can log in as (no usable password)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            username=SYSTEM_USERNAME,
            email="verification@pos-portal.invalid",
            password=None,
            first_name="automatic verification",  # shown in the reader's language (wiring: name_system_account)
        )
        user.groups.add(Group.objects.get_or_create(name=str(Role.REVIEWER))[0])
    return user


def is_senior(user: User) -> bool:
    return user.is_superuser or (has_role(user, Role.REVIEWER) and user.groups.filter(name=SENIOR_GROUP).exists())


# --- Versions and inputs ---------------------------------------------------------------------


def _digest(*parts: object) -> str:
    key = settings.BLIND_INDEX_KEYS[0].encode()
    return hmac.new(key, "\x1f".join(str(p) for p in parts).encode(), hashlib.sha256).hexdigest()


def application_version(app: MerchantApplication) -> str:
    """A keyed digest of what the applicant sent (fields and documents): another version, another digest."""
    documents = sorted(app.documents.values_list("kind", "sha256"))
    return _digest(*(getattr(app, name) for name in APPLICANT_FIELDS), documents)


def required_checks(app: MerchantApplication) -> tuple[str, ...]:
    kinds = [CheckKind.IDENTITY, CheckKind.BANK_CARD, CheckKind.MOBILE]
    if app.needs_licence:
        kinds.insert(2, CheckKind.BUSINESS)
    return tuple(str(k) for k in kinds)


def inputs_of(app: MerchantApplication, kind: str) -> dict[str, str]:
    mobile = (app.mobile or "").removeprefix("+86")
    if kind == CheckKind.IDENTITY:
        return {"name": app.legal_name, "id_number": app.id_number}
    if kind == CheckKind.BANK_CARD:
        # Four elements: the holder typed, the ID number, the card, the mobile the bank holds for it.
        return {
            "name": app.account_holder,
            "id_number": app.id_number,
            "card_number": app.card_number,
            "mobile": mobile,
        }
    if kind == CheckKind.BUSINESS:
        return {
            "credit_code": app.credit_code,
            "business_name": app.business_name,
            "legal_representative": app.legal_name,
        }
    return {"name": app.legal_name, "id_number": app.id_number, "mobile": mobile}


# --- Starting the checks ---------------------------------------------------------------------


def checks_start(*, application: MerchantApplication, by: User, origin: Origin) -> Assessment | None:
    """After a submit commits: note the checks as running (the applicant sees it) and queue the job."""
    if _paused or not settings.VERIFICATION_AUTO_START:
        return None
    from .tasks import verify_application

    app = MerchantApplication.objects.get(pk=application.pk)
    assessment = Assessment.objects.create(
        application=app,
        version=application_version(app),
        submitted_at=app.submitted_at,
        requested_by=by,
        origin_address=origin.address,
        origin_device=origin.device,
    )
    verify_application.delay(assessment.pk)
    return assessment


def checks_run_now(*, application: MerchantApplication, by: User) -> Assessment:
    """The checks of the application as it is, run in this process, final at once (demo, benchmark)."""
    app = MerchantApplication.objects.get(pk=application.pk)
    assessment = Assessment.objects.create(
        application=app, version=application_version(app), submitted_at=app.submitted_at, requested_by=by
    )
    return assess(assessment_id=assessment.pk, final=True)


def submitted(application: MerchantApplication, by: User, origin: Origin) -> None:
    """The applications.hooks handler (registered in VerificationConfig.ready)."""
    checks_start(application=application, by=by, origin=origin)


# --- Asking the services ---------------------------------------------------------------------


@dataclass
class Asked:
    kind: str
    request: providers.Request
    digest: str
    reused: Evidence | None = None
    answer: providers.Answer | None = None


def _reusable(app: MerchantApplication, kind: str, digest: str) -> Evidence | None:
    since = timezone.now() - timedelta(days=settings.VERIFICATION_REUSE_DAYS)
    return (
        Evidence.objects.filter(
            application=app, kind=kind, inputs_digest=digest, outcome__in=CONCLUSIVE, answered_at__gte=since
        )
        .order_by("-answered_at")
        .first()
    )


def gather_evidence(*, assessment: Assessment, attempt: int = 1) -> dict[str, Evidence]:
    """The latest evidence of each required check for the application as it is now: answers to the
    same inputs are reused, the others are asked, in parallel (providers do no database work)."""
    app = assessment.application
    version = application_version(app)
    wanted: list[Asked] = []
    for kind in required_checks(app):
        request = providers.Request(kind, inputs_of(app, kind))
        digest = _digest(kind, *request.inputs.values())
        wanted.append(Asked(kind, request, digest, reused=_reusable(app, kind, digest)))
    to_ask = [w for w in wanted if w.reused is None]
    asked_at = timezone.now()
    if to_ask:
        with ThreadPoolExecutor(max_workers=len(to_ask)) as pool:
            for w, answer in zip(to_ask, pool.map(lambda w: providers.ask(w.request), to_ask), strict=True):
                w.answer = answer
    found: dict[str, Evidence] = {}
    for w in wanted:
        if w.reused is not None:
            found[w.kind] = w.reused
            continue
        assert w.answer is not None
        found[w.kind] = Evidence.objects.create(
            application=app,
            kind=w.kind,
            version=version,
            inputs_digest=w.digest,
            sent=w.request.masked(),
            outcome=w.answer.outcome,
            detail={**w.answer.detail, "elapsed_ms": w.answer.elapsed_ms},
            backend=w.answer.backend,
            asked_by=assessment.requested_by,
            attempt=attempt,
            asked_at=asked_at,
            answered_at=timezone.now(),
        )
    return found


def transient_failures(evidence: dict[str, Evidence]) -> list[str]:
    return [kind for kind, e in evidence.items() if e.outcome in TRANSIENT]


# --- Scoring and routing ---------------------------------------------------------------------


def current_policy() -> RiskPolicy:
    policy = RiskPolicy.objects.order_by("-version").first()
    if policy is None:
        policy = RiskPolicy.objects.create(
            version=1,
            note=_("First version"),
            weights=dict(rules.DEFAULT_WEIGHTS),
            watched_categories=list(rules.DEFAULT_WATCHED_CATEGORIES),
        )
    return policy


def _facts(app: MerchantApplication, assessment: Assessment, evidence: dict[str, Evidence], policy: RiskPolicy):
    since = timezone.now() - rules.VELOCITY_WINDOW
    recent = Assessment.objects.filter(started_at__gte=since).exclude(application_id=app.pk)
    return rules.Facts(
        application=app,
        outcomes={k: e.outcome for k, e in evidence.items()},
        details={k: e.detail for k, e in evidence.items()},
        required=required_checks(app),
        watched_categories=list(policy.watched_categories or []),
        velocity_limit=policy.velocity_limit,
        origin_address=assessment.origin_address,
        origin_device=assessment.origin_device,
        same_address=(
            recent.filter(origin_address=assessment.origin_address).values("application").distinct().count()
            if assessment.origin_address
            else 0
        ),
        same_device=(
            recent.filter(origin_device=assessment.origin_device).values("application").distinct().count()
            if assessment.origin_device
            else 0
        ),
    )


def band_of(score: int, policy: RiskPolicy) -> str:
    if score <= policy.auto_approve_max:
        return Band.LOW
    if score >= policy.senior_min:
        return Band.HIGH
    return Band.MEDIUM


@dataclass(frozen=True)
class SentBack:
    """The application's last request for changes: who asked (None: an account since deleted)."""

    by: User | None


def sent_back(app: MerchantApplication) -> SentBack | None:
    """The last request for changes, or None if it was never sent back. Once sent back, every
    later submission is a correction: the only way from "changes requested" to "submitted" is
    the applicant's resubmit."""
    log = history_for(app).filter(transition="request_changes").order_by("-timestamp", "-pk").first()
    return None if log is None else SentBack(log.by)


def resubmission_route(*, asked_by: User | None, needs_senior: bool) -> tuple[str, User | None]:
    """Where a correction goes: always to a person, never decided automatically. Back to the
    reviewer who asked for it while they still review (and may claim it); else the queue (a senior
    reviewer's, when its score needs one)."""
    still_reviews = asked_by is not None and asked_by.is_active and has_role(asked_by, Role.REVIEWER)
    if still_reviews and (not needs_senior or is_senior(asked_by)):
        return Route.RETURNED, asked_by
    return (Route.SENIOR if needs_senior else Route.QUEUE), None


def decide(*, score: int, complete: bool, policy: RiskPolicy) -> str:
    """Where a fresh, current assessment goes. An incomplete one always goes to a person."""
    if not complete:
        return Route.QUEUE
    if score <= policy.auto_approve_max:
        return Route.AUTO_APPROVED
    if score >= policy.auto_reject_min:
        return Route.AUTO_REJECTED
    if score >= policy.senior_min:
        return Route.SENIOR
    return Route.QUEUE


def sampled(app: MerchantApplication, policy: RiskPolicy) -> bool:
    """A stable draw: the same application is sampled or not whoever computes it."""
    return int(hashlib.sha256(app.reference.encode()).hexdigest()[:8], 16) % 100 < policy.sample_percent


def assess(*, assessment_id: int, attempt: int = 1, final: bool = True) -> Assessment:
    """Run the checks of one submission and route it. With `final=False` a transient failure
    leaves it running (the task asks again later); with `final=True` it goes to a person."""
    assessment = Assessment.objects.select_related("application", "requested_by").get(pk=assessment_id)
    if assessment.route != Route.RUNNING:
        return assessment  # a task delivered twice does nothing twice
    evidence = gather_evidence(assessment=assessment, attempt=attempt)
    if transient_failures(evidence) and not final:
        return assessment
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
        if assessment.route != Route.RUNNING:
            return assessment
        app = locked(assessment.application_id)
        now_version = application_version(app)
        policy = current_policy()
        complete = all(e.outcome in CONCLUSIVE for e in evidence.values())
        score, reasons = rules.score(_facts(app, assessment, evidence, policy), policy.weights or {})
        assessment.policy, assessment.score, assessment.reasons = policy, score, reasons
        assessment.band, assessment.complete = band_of(score, policy), complete
        # Another version than the one submitted for this check, or answers to other inputs: stale.
        stale = now_version != assessment.version or not all(
            e.inputs_digest == _digest(k, *inputs_of(app, k).values()) for k, e in evidence.items()
        )
        if stale:
            assessment.route = Route.STALE
        elif app.status != Status.SUBMITTED:
            assessment.route = Route.TAKEN  # a reviewer or the applicant acted first
        elif (back := sent_back(app)) is not None:
            # A correction after a request for changes: no automatic decision, a person looks.
            needs_senior = complete and score >= policy.senior_min
            assessment.route, assessment.returned_to = resubmission_route(asked_by=back.by, needs_senior=needs_senior)
            assessment.reasons = [{"code": "resubmitted_after_changes", "params": {}, "weight": 0}, *reasons]
            if assessment.returned_to is not None:
                # The reviewer who asked hears that it is back (in this transaction: no message if it rolls back).
                notify(
                    recipient=assessment.returned_to,
                    template="review.correction_back",
                    context={"reference": app.reference},
                )
        else:
            assessment.route = decide(score=score, complete=complete, policy=policy)
        assessment.decided_at = timezone.now()
        if assessment.route == Route.AUTO_APPROVED:
            assessment.sampled = sampled(app, policy)
        assessment.save()
        if stale and app.status == Status.SUBMITTED:
            # The application changed since it was submitted for this check: the version there now is checked.
            transaction.on_commit(
                lambda: checks_start(
                    application=app,
                    by=assessment.requested_by or app.applicant,
                    origin=Origin(assessment.origin_address, assessment.origin_device),
                )
            )
        elif assessment.route in (Route.AUTO_APPROVED, Route.AUTO_REJECTED):
            try:
                with transaction.atomic():  # a savepoint: a refused transition leaves the application as it was
                    if assessment.route == Route.AUTO_APPROVED:
                        _approve(app, evidence)
                    else:
                        _reject(app, reasons)
            except WorkflowError as exc:
                # The workflow said no (something is missing after all): a person decides, told why.
                assessment.route, assessment.sampled = Route.QUEUE, False
                assessment.reasons = [
                    {"code": "auto_decision_refused", "params": {"why": str(exc)[:300]}, "weight": 0},
                    *reasons,
                ]
                assessment.save(update_fields=["route", "sampled", "reasons"])
    return assessment


def _approve(app: MerchantApplication, evidence: dict[str, Evidence]) -> None:
    robot = system_user()
    app = app_services.application_claim(application=app, by=robot)
    outcome = {kind: e.outcome for kind, e in evidence.items()}
    ticks = {
        ReviewCheck.ID_MATCHES_NAME: outcome.get(CheckKind.IDENTITY) == Outcome.MATCH,
        ReviewCheck.ACCOUNT_HOLDER_MATCHES: outcome.get(CheckKind.BANK_CARD) == Outcome.MATCH,
        ReviewCheck.LICENCE_READABLE: outcome.get(CheckKind.BUSINESS) == Outcome.MATCH,
    }
    app = app_services.application_save_checklist(
        application=app, by=robot, checks={str(k): v for k, v in ticks.items()}
    )
    # Kept as a code, worded when read: the applicant and the staff may read different languages.
    message = texts.text(
        gettext_noop("Approved automatically: every check matched (%(checks)s)."),
        checks=[rules.CHECK_NAMES[kind] for kind in evidence],
    )
    app_services.application_approve(application=app, by=robot, message=texts.kept(message))


REJECTION_OF = {
    "identity_mismatch": RejectionReason.IDENTITY,
    "identity_not_found": RejectionReason.IDENTITY,
    "under_age": RejectionReason.IDENTITY,
    "business_inactive": RejectionReason.BUSINESS,
    "business_mismatch": RejectionReason.BUSINESS,
    "business_not_found": RejectionReason.BUSINESS,
    "duplicate_id_number": RejectionReason.DUPLICATE,
    "duplicate_card_number": RejectionReason.DUPLICATE,
}


def _reject(app: MerchantApplication, reasons: list[dict[str, Any]]) -> None:
    robot = system_user()
    app = app_services.application_claim(application=app, by=robot)
    code = reasons[0]["code"] if reasons else ""
    with translation.override(app.applicant.preferred_language or settings.LANGUAGE_CODE):
        # Reasons the applicant can act on; a duplicate's other references stay with the reviewers.
        shown = [rules.reason_text(r) for r in reasons if r["weight"] > 0 and not r["code"].startswith("duplicate_")]
        message = " ".join(
            [
                *shown[:3],
                _(
                    "Check these details against your documents; you can start a new application "
                    "with the corrected details, or call us if you think this is wrong."
                ),
            ]
        )
    app_services.application_reject(
        application=app, by=robot, reason=REJECTION_OF.get(code, RejectionReason.RISK), message=message
    )


# --- Reviewers ------------------------------------------------------------------------------


def senior_claim_rule(app: MerchantApplication, user: User) -> Refusal | None:
    """The applications.hooks claim rule: a case routed to a senior reviewer is theirs to claim."""
    latest = latest_for_page(app)
    if latest is not None and latest.route == Route.SENIOR and not is_senior(user):
        return Refusal(
            _("Senior review"),
            _("Application %s was routed to a senior reviewer: only a senior reviewer can claim it.") % app.reference,
        )
    return None


def checks_running(assessment: Assessment | None) -> bool:
    """Still waiting for the services' answers. Checks running longer than the periodic job's
    STALLED_AFTER have lost their worker (a broker or worker down): no longer waited for."""
    return (
        assessment is not None
        and assessment.route == Route.RUNNING
        and assessment.started_at > timezone.now() - STALLED_AFTER
    )


def checks_running_rule(app: MerchantApplication, user: User) -> Refusal | None:
    """The applications.hooks approval rule: nobody approves before the automatic checks are done
    (answered, or given up after their retries: then the panel says which could not be done)."""
    if not checks_running(latest_for_page(app)):
        return None
    return Refusal(
        _("Checks running"),
        _(
            "The automatic checks of application %(ref)s are still running: approve once they are done "
            "(usually within a minute; reload the page). If a service does not answer they give up by "
            "themselves within %(minutes)s minutes and leave the decision to you."
        )
        % {"ref": app.reference, "minutes": int(STALLED_AFTER.total_seconds() // 60)},
    )


def latest_assessment(app: MerchantApplication) -> Assessment | None:
    return (
        Assessment.objects.filter(application_id=app.pk)
        .select_related("policy", "second_look_by", "returned_to")
        .order_by("-started_at", "-id")
        .first()
    )


_MEMO = "_verification_latest"


def latest_for_page(app: MerchantApplication) -> Assessment | None:
    """The latest assessment, read once per application object: a page asks the claim rule, the
    approval rule and its panel about the same one. A service's rule gets the row it has just
    locked, a fresh object, so it never reads a memo from before its lock."""
    if _MEMO not in app.__dict__:
        app.__dict__[_MEMO] = latest_assessment(app)
    return app.__dict__[_MEMO]


def second_look_record(*, assessment: Assessment, by: User, verdict: str) -> Assessment:
    """A reviewer's second look at a sampled automatic decision: agrees or not (once)."""
    if not has_role(by, Role.REVIEWER) or by.username == SYSTEM_USERNAME:
        raise RoleRefused(_("Only a reviewer can give a second look."))
    if verdict not in Verdict.values:
        raise ConditionsNotMet(_("A second look needs:"), missing=[_("agree or disagree")])
    with transaction.atomic():
        fresh = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not fresh.sampled or fresh.second_look:
            raise ConditionsNotMet(
                _("A second look needs:"), missing=[_("an automatic decision sampled and not looked at yet")]
            )
        fresh.second_look, fresh.second_look_by, fresh.second_look_at = verdict, by, timezone.now()
        fresh.save(update_fields=["second_look", "second_look_by", "second_look_at"])
        return fresh


# --- The policy ------------------------------------------------------------------------------

POLICY_FIELDS = (
    "note", "auto_approve_max", "senior_min", "auto_reject_min", "sample_percent", "weights",
    "watched_categories", "velocity_limit",
)  # fmt: skip


def policy_publish(*, by: User | None, **values: Any) -> RiskPolicy:
    """The next version of the policy: the current one with `values` changed. Old versions stay as they were."""
    unknown = set(values) - set(POLICY_FIELDS)
    assert not unknown, f"not a policy field: {unknown}"
    if not (by is None or by.is_superuser or by.has_perm("verification.add_riskpolicy")):
        raise RoleRefused(_("Your role does not allow you to change the risk policy."))
    with transaction.atomic():
        base = current_policy()
        fields = {name: getattr(base, name) for name in POLICY_FIELDS} | values
        fields["weights"] = {**rules.DEFAULT_WEIGHTS, **(fields.get("weights") or {})}
        if not fields["auto_approve_max"] < fields["senior_min"] <= fields["auto_reject_min"]:
            raise ConditionsNotMet(
                _("The thresholds must rise:"),
                missing=[_("automatic approval < senior reviewer ≤ automatic rejection")],
            )
        number = (RiskPolicy.objects.aggregate(n=Max("version"))["n"] or 0) + 1
        return RiskPolicy.objects.create(version=number, created_by=by, **fields)
