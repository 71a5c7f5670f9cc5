"""Helpers shared by the apps that are neither pages nor domain rules: running a service from a
page and saying what went wrong, rendering form widgets, security headers, the client's
address. They import Django, kaohe.errors and the calendar's error only, never an app's
models or services, so every app may use them."""
