"""Limits of the open-internet face: request bounds, document bounds, cost, rate, error codes."""
