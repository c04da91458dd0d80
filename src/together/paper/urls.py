from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="paper"),
    path("form/", views.printable, name="paper-form"),
    path("form.pdf", views.printable_pdf, name="paper-form-pdf"),
    path("key/", views.key, name="paper-key"),
    path("<id:entry_id>/key-again/", views.key_again, name="paper-key-again"),
    path("<id:entry_id>/resolve/", views.resolve, name="paper-resolve"),
]
