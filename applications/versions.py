"""What changed between two submissions of an application, for the reviewer who sees it come back.

Each submission keeps a `SubmittedVersion` (written by `application_submit`): the applicant's
fields as codes (a choice's code, worded when read), the personal numbers masked with their
blind index (a change is seen without keeping the number), and each document's checksum.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.crypto import blind_index
from core.masking import mask_card, mask_id_number, mask_mobile

from .choices import DocumentKind
from .forms import field_label
from .models import APPLICANT_FIELDS, MerchantApplication, SubmittedVersion

SENSITIVE = {"id_number": mask_id_number, "mobile": mask_mobile, "card_number": mask_card}
# Kept beside the names: the district chosen from the division table.
KEPT_FIELDS = (*APPLICANT_FIELDS, "district_code", "install_district_code")


def snapshot(app: MerchantApplication) -> tuple[dict, dict]:
    fields: dict[str, object] = {}
    for name in KEPT_FIELDS:
        value = getattr(app, name)
        if name in SENSITIVE:
            value = {"masked": SENSITIVE[name](value) if value else "", "index": blind_index(value) if value else ""}
        fields[name] = value
    documents = {
        doc.kind: {"sha256": doc.sha256, "uploaded_at": doc.uploaded_at.isoformat()} for doc in app.documents.all()
    }
    return fields, documents


def record(app: MerchantApplication) -> SubmittedVersion:
    fields, documents = snapshot(app)
    return SubmittedVersion.objects.create(application=app, fields=fields, documents=documents)


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    old: str
    new: str


def _shown(app: MerchantApplication, name: str, value: object) -> str:
    """A kept value as the reader reads it: a choice by its label, numbers masked."""
    if isinstance(value, dict):
        return str(value.get("masked", "")) or "—"
    field = MerchantApplication._meta.get_field(name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        labels = dict(field.base_field.choices) if hasattr(field, "base_field") and field.base_field.choices else {}
        return "、".join(str(labels.get(v, v)) for v in value) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)) or "—"
    return str(value) if value not in (None, "") else "—"


def _same(old: object, new: object) -> bool:
    if isinstance(old, dict) and isinstance(new, dict):
        return old.get("index") == new.get("index")
    return old == new


def changes_since_last_review(app: MerchantApplication) -> tuple[list[Change], list[Change]] | None:
    """(fields, documents) changed between the last two submissions; None before a second one."""
    versions = list(app.versions.order_by("-submitted_at", "-pk")[:2])
    if len(versions) < 2:
        return None
    new, old = versions

    fields = [
        Change(
            name,
            str(field_label(name)),
            _shown(app, name, old.fields.get(name)),
            _shown(app, name, new.fields.get(name)),
        )
        for name in KEPT_FIELDS
        if name in new.fields
        and not _same(old.fields.get(name), new.fields.get(name))
        and name not in ("district_code", "install_district_code")
    ]
    documents = []
    for kind in sorted(set(old.documents) | set(new.documents)):
        before, after = old.documents.get(kind), new.documents.get(kind)
        if (before or {}).get("sha256") == (after or {}).get("sha256") and before and after:
            continue
        label = str(DocumentKind(kind).label) if kind in DocumentKind.values else kind
        documents.append(
            Change(
                kind,
                label,
                _("sent") if before else _("none"),
                _("replaced") if before and after else (_("sent") if after else _("removed")),
            )
        )
    return fields, documents
