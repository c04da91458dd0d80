from django.urls import path

from . import views

urlpatterns = [
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-in/sso/", views.SingleSignOnStart.as_view(), name="sso-start"),
    path("account/security/", views.security, name="security"),
    path("account/security/set-up/", views.set_up, name="security-set-up"),
    path("account/security/recovery-codes/", views.recovery_codes, name="security-recovery-codes"),
    path("account/security/recovery-codes/new/", views.new_recovery_codes, name="security-new-codes"),
    path("account/security/remove/", views.remove, name="security-remove"),
]
