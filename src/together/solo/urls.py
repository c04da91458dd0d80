from django.urls import path

from . import views

urlpatterns = [
    path("", views.start, name="solo-start"),
    path("r/<str:token>/", views.open_link, name="solo-open"),
    path("deleted/", views.deleted, name="solo-deleted"),
    path("review/", views.overview, name="solo-review"),
    path("review/link/", views.link, name="solo-link"),
    path("review/theme/<slug:theme_id>/", views.theme, name="solo-theme"),
    path("review/send/", views.send, name="solo-send"),
    path("review/report/", views.report_page, name="solo-report"),
    path("review/report.pdf", views.report_page, {"fmt": "pdf"}, name="solo-report-pdf"),
    path("review/delete/", views.delete, name="solo-delete"),
    path("review/together/", views.together, name="solo-together"),
    path("then/<id:round_id>/", views.then, name="solo-then"),
    path("then/<id:round_id>/report.pdf", views.then, {"fmt": "pdf"}, name="solo-then-pdf"),
]
