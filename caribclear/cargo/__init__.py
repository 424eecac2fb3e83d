"""Advance cargo information (ACIS). Only the file readers exist so far; the app comes later."""
