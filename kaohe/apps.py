from django.contrib.admin.apps import AdminConfig


class KaoheAdminConfig(AdminConfig):
    default_site = "kaohe.admin_site.KaoheAdminSite"
