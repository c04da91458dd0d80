from django.urls import include, path

from together.frameworks.urls import operator_urls

from . import views

app_name = "operator"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/invite/", views.account_invite, name="invite"),
    path("accounts/emails/retry/", views.account_emails_retry, name="account-emails-retry"),
    path("accounts/<id:user_id>/", views.account, name="account"),
    path("accounts/<id:user_id>/active/", views.account_active, name="account-active"),
    path("accounts/<id:user_id>/invite-again/", views.account_reinvite, name="account-reinvite"),
    path("accounts/<id:user_id>/remove-app/", views.account_remove_app, name="account-remove-app"),
    path("partnerships/", views.partnerships, name="partnerships"),
    path("sign-ups/", views.signups, name="signups"),
    path("sign-ups/<id:signup_id>/", views.signup_decide, name="signup"),
    path("audit/", views.audit_log, name="audit"),
    path("frameworks/", include(operator_urls())),
]
