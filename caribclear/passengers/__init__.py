"""Advance passenger information (APIS). Only the file readers exist so far; the app comes later."""
