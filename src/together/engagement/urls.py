from django.urls import path

from . import views

urlpatterns = [
    path("", views.notes, name="engagement"),
    path("new/", views.note_form, name="engagement-new"),
    path("<id:note_id>/", views.note_form, name="engagement-edit"),
    path("<id:note_id>/remove/", views.note_delete, name="engagement-delete"),
]
