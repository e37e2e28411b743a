"""Worker and beat logs are masked like the web's: Celery installs its own handlers."""

import io
import logging

from pos_portal.celery import mask_personal_data_in_worker_logs


def test_the_handlers_celery_installs_mask_mobiles_and_ids():
    stream = io.StringIO()
    logger = logging.getLogger("tests.celery-like")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        mask_personal_data_in_worker_logs(logger=logger)
        mask_personal_data_in_worker_logs(logger=logger)  # Celery may call it for each logger
        logger.warning("SMS to +8613912345678 failed for ID 110105198001010011")
    finally:
        logger.removeHandler(handler)
    assert len(handler.filters) == 1
    line = stream.getvalue()
    assert "13912345678" not in line
    assert "110105198001010011" not in line
