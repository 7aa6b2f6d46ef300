"""Quality checks (data_quality/) wired as Dagster asset checks."""

from orchestration.quality.checks import lake_check_keys, quality_checks

__all__ = ["lake_check_keys", "quality_checks"]
