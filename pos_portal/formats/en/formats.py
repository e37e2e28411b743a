"""English dates and times as the portal writes them.

Django's English times end with a full stop ("7 a.m."), so a sentence that ends with a time read
"booked for Dec. 7, 2026, 7 a.m.." in every message; and its short dates are American
(12/02/2026), which a reader in China takes for 12 February. The portal writes the 24-hour clock,
as its Chinese pages do, and short dates year first. What Django's English module says of the
rest (input formats, first day of the week) still holds: get_format falls back to it.
"""

DATE_FORMAT = "N j, Y"  # Dec. 7, 2026
TIME_FORMAT = "H:i"  # 07:00
DATETIME_FORMAT = "N j, Y, H:i"  # Dec. 7, 2026, 07:00
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
