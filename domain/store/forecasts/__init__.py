"""Reads and writes of forecasts that the forecast use cases and its job share."""
