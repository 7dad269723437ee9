"""Forecast use cases: forecastGenerate (the generation itself runs as the `forecast.generate`
job, domain/services/forecast/jobs.py), forecastLineAdjust, forecastSubmit, forecastApprove,
forecastReject, forecastWithdraw, forecastPolicySet."""

from domain.services.forecast import adjust, approval, generate, policy  # noqa: F401
