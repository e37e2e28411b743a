from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import divisions


@require_GET
@cache_control(public=True, max_age=24 * 3600)  # the table changes with a release, not during the day
def districts(request: HttpRequest, province: str) -> JsonResponse:
    """The districts of a province, one group per city, for the district select's script."""
    groups = divisions.district_choices(province)
    if not divisions.province_name(province):
        raise Http404("no such province")
    return JsonResponse(
        {"province": province, "groups": [{"city": city, "districts": options} for city, options in groups]},
        json_dumps_params={"ensure_ascii": False},
    )
