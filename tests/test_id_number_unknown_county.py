import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from applications.validators import validate_id_number


def test_an_id_number_whose_region_stdnum_knows_only_in_part_is_refused_not_crashed():
    base = "31732819800101001"  # 3173xx: python-stdnum has no county entry, and raised KeyError
    with pytest.raises(ValidationError, match="region is not valid"):
        validate_id_number(base + ric.calc_check_digit(base + "0"))
