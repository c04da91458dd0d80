from django.urls import path

from together.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("framework/", views.framework, name="framework"),
    path("framework/<slug:theme_id>/", views.theme, name="theme"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("healthz", views.health, name="health"),
]
