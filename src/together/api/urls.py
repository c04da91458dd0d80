from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("partnerships/", views.PartnershipList.as_view(), name="api-partnerships"),
    path("partnerships/<id:partnership_id>/", views.PartnershipDetail.as_view(), name="api-partnership"),
    path("partnerships/<id:partnership_id>/rounds/", views.RoundList.as_view(), name="api-rounds"),
    path("partnerships/<id:partnership_id>/actions/", views.ActionList.as_view(), name="api-actions"),
    path("rounds/<id:round_id>/results/", views.RoundResults.as_view(), name="api-results"),
]
