"""The demo seed (`manage.py seed_demo`, `manage.py demo_totp`): the top layer, the only app that may
import every other. Nothing imports it."""
