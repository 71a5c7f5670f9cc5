"""Helpers shared by the apps that are neither pages nor domain rules: running a service from a
page, rendering form widgets, request headers and addresses. Nothing here imports an app."""
