from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No verbose name: nothing shows this app to a user (no admin), and its commands speak English only.
    name = "caribclear.demo"
    label = "demo"
