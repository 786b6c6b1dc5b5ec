"""Alerts: building, storing, rendering and delivering contradictions and updates."""
