"""Simulated breaches: run alert rules over injected series, check who fires when, deliver."""
