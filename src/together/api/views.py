"""A read-only JSON API for partnership members, authenticated by a personal token.

Tokens are kept hashed, expire, can be revoked (:mod:`.tokens`) and are throttled one by one
(:mod:`.throttling`).

Every endpoint checks the caller's membership of the partnership concerned: anything else is
"not found". Results come from the same disclosure-controlled code as the pages.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from together.actions.models import Action
from together.imports.models import pending_responses
from together.partnerships.models import Membership, Role
from together.releases import services as releases
from together.reports import exports
from together.reviews.models import Round, RoundState

from . import serializers

VIEWER_STATES = (RoundState.PUBLISHED, RoundState.ARCHIVED)
ERRORS = {
    401: serializers.ErrorSerializer,
    403: serializers.ErrorSerializer,
    404: serializers.ErrorSerializer,
    429: serializers.ErrorSerializer,
}


def _documented(serializer, many=False):
    return extend_schema_view(get=extend_schema(responses={200: serializer(many=many), **ERRORS}))


def _membership(request, partnership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("partnership")
        .filter(user=request.user, partnership_id=partnership_id)
        .first()
    )
    if membership is None:
        raise exceptions.NotFound("No such partnership.")
    return membership


@_documented(serializers.PartnershipSerializer, many=True)
class PartnershipList(generics.ListAPIView):
    """The partnerships you belong to, with your role on each."""

    serializer_class = serializers.PartnershipSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            Membership.objects.filter(user=self.request.user)
            .select_related("partnership")
            .order_by("partnership__name")
        )


@_documented(serializers.PartnershipSerializer)
class PartnershipDetail(generics.RetrieveAPIView):
    serializer_class = serializers.PartnershipSerializer

    def get_object(self):
        return _membership(self.request, self.kwargs["partnership_id"])


@_documented(serializers.RoundSerializer, many=True)
class RoundList(generics.ListAPIView):
    """The partnership's review rounds."""

    serializer_class = serializers.RoundSerializer
    pagination_class = None

    def get_queryset(self):
        membership = _membership(self.request, self.kwargs["partnership_id"])
        rounds = (
            Round.objects.filter(partnership=membership.partnership)
            .select_related("framework_version")
            .annotate(
                submitted=Count(
                    "responses",
                    # Rows of a file still being imported are not responses yet; those who
                    # answered a variant (residents) are not partners' responses.
                    filter=Q(responses__state="submitted", responses__variant="")
                    & ~Q(responses__pk__in=pending_responses()),
                )
            )
            .order_by("-began_at", "-pk")
        )
        for round_ in rounds:
            round_.results_visible_to_you = releases.may_see(round_, membership.role)
            # Viewers see no count below the threshold (as on the round page).
            if membership.role == Role.VIEWER and round_.submitted < settings.MIN_GROUP_SIZE:
                round_.submitted = None
        return rounds


class RoundResults(APIView):
    """A round's results: scores, agreement, breakdowns, differences and where to pay attention."""

    @extend_schema(responses={200: serializers.ResultsSerializer, **ERRORS, 503: serializers.ErrorSerializer})
    def get(self, request, round_id: int):
        round_ = Round.objects.select_related("partnership", "framework_version").filter(pk=round_id).first()
        if round_ is None:
            raise exceptions.NotFound("No such round.")
        membership = _membership(request, round_.partnership_id)
        try:
            released = releases.obtain(round_, membership.role, request.user)
        except releases.NotAvailable as refused:
            if refused.code in ("sealing", "importing"):
                # Closed a moment ago, or a file is part-way in: the results exist shortly.
                busy = ApiResponse({"detail": str(refused.message)}, status=503)
                busy["Retry-After"] = "30"
                return busy
            raise exceptions.PermissionDenied(str(refused.message)) from None
        return ApiResponse(json.loads(exports.results_json(released)))


@_documented(serializers.ActionSerializer, many=True)
class ActionList(generics.ListAPIView):
    """The partnership's action plan."""

    serializer_class = serializers.ActionSerializer
    pagination_class = None

    def get_queryset(self):
        membership = _membership(self.request, self.kwargs["partnership_id"])
        return (
            Action.objects.filter(partnership=membership.partnership)
            .select_related("lead_organisation")
            .prefetch_related("supporting_organisations")
            .order_by("due_date", "title")
        )
