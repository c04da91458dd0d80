from rest_framework import serializers

from together.actions.models import Action
from together.partnerships.models import Membership
from together.reviews.models import Round


class PartnershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="partnership.pk")
    name = serializers.CharField(source="partnership.name")
    place = serializers.CharField(source="partnership.place")
    description = serializers.CharField(source="partnership.description")
    vision = serializers.CharField(source="partnership.vision")
    vision_horizon_year = serializers.IntegerField(source="partnership.vision_horizon_year", allow_null=True)
    role = serializers.CharField(help_text="Your role on this partnership: owner, facilitator or viewer.")

    class Meta:
        model = Membership


class RoundSerializer(serializers.ModelSerializer):
    framework = serializers.CharField(source="framework_version.framework_id")
    framework_version = serializers.IntegerField(source="framework_version.number")
    responses = serializers.IntegerField(
        source="submitted",
        allow_null=True,
        help_text="Submitted responses from partners (not residents answering a variant); null for viewers while "
        "fewer than the threshold have responded.",
    )
    results_visible_to_you = serializers.BooleanField()
    kind = serializers.CharField(
        help_text="full (every statement) or pulse (only the framework's short form, whose statements its "
        "results cover)."
    )

    fieldwork_from = serializers.DateField(
        allow_null=True,
        help_text="For a round holding another tool's earlier survey: the first day its answers were given. "
        "Rounds are listed newest first by this date, else by when they were created.",
    )
    fieldwork_to = serializers.DateField(allow_null=True, help_text="The last day of that survey's fieldwork.")

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "state",
            "kind",
            "closes_on",
            "fieldwork_from",
            "fieldwork_to",
            "framework",
            "framework_version",
            "responses",
            "results_visible_to_you",
        ]


class ActionSerializer(serializers.ModelSerializer):
    lead_organisation = serializers.CharField(source="lead_organisation.name", allow_null=True, default=None)
    supporting_organisations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    overdue = serializers.BooleanField()
    round = serializers.IntegerField(source="round_id", allow_null=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "description",
            "state",
            "theme_id",
            "statement_ids",
            "lead_organisation",
            "supporting_organisations",
            "due_date",
            "success_measure",
            "drop_reason",
            "overdue",
            "round",
        ]


class ResultRowSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["theme", "statement"])
    id = serializers.CharField()
    text = serializers.CharField()
    theme = serializers.CharField()
    breakdown = serializers.ChoiceField(choices=["all", "organisation", "sector", "group"])
    group = serializers.CharField()
    people = serializers.IntegerField(allow_null=True)
    answered = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    # Only for a framework that asks where to be in a year, and only on rows for everyone.
    target_mean = serializers.FloatField(
        allow_null=True, required=False, help_text="Everyone's mean rating of where it should be in a year."
    )
    target_answered = serializers.IntegerField(
        allow_null=True, required=False, help_text="People who gave a rating for a year's time."
    )
    gap = serializers.FloatField(
        allow_null=True, required=False, help_text="The ambition gap: target mean minus current mean."
    )
    sd = serializers.FloatField(allow_null=True)
    agreement_rwg = serializers.FloatField(
        allow_null=True, help_text="A statement's rwg; a theme's, the median of its statements' rwg."
    )
    agreement = serializers.CharField(allow_null=True)
    agreement_rwg_j = serializers.FloatField(
        allow_null=True, help_text="A theme's multi-statement rwg(J), for reference; empty for a statement."
    )
    dont_know = serializers.FloatField(allow_null=True)
    share_1 = serializers.FloatField(allow_null=True)
    share_2 = serializers.FloatField(allow_null=True)
    share_3 = serializers.FloatField(allow_null=True, required=False)
    share_4 = serializers.FloatField(allow_null=True, required=False)
    share_5 = serializers.FloatField(allow_null=True, required=False)
    # A framework's scale has 2 to 7 levels: a share for each of its levels, and no others.
    share_6 = serializers.FloatField(allow_null=True, required=False)
    share_7 = serializers.FloatField(allow_null=True, required=False)
    chose_as_priority = serializers.FloatField(allow_null=True)
    shown = serializers.ChoiceField(choices=["yes", "no"])
    hidden_because = serializers.ChoiceField(
        choices=["fewer_than_threshold", "protects_smaller_group", "withheld"],
        allow_null=True,
        help_text="Why a hidden row is hidden: fewer than the threshold responded, it is hidden to protect a "
        "smaller group, or telling which would itself narrow a small group down; null when shown.",
    )


class AttentionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["theme", "statement"])
    id = serializers.CharField()
    theme = serializers.CharField()
    value = serializers.FloatField()
    reason = serializers.CharField()


class DifferenceSerializer(serializers.Serializer):
    id = serializers.CharField()
    breakdown = serializers.CharField()
    highest = serializers.CharField()
    highest_mean = serializers.FloatField()
    lowest = serializers.CharField()
    lowest_mean = serializers.FloatField()
    highest_n = serializers.IntegerField(help_text="People who rated it in the highest group.")
    lowest_n = serializers.IntegerField(help_text="People who rated it in the lowest group.")
    gap = serializers.FloatField()
    interval_low = serializers.FloatField(help_text="95% Welch interval of the gap, lower end.")
    interval_high = serializers.FloatField(help_text="95% Welch interval of the gap, upper end.")
    p_adjusted = serializers.FloatField(help_text="Welch's p for the gap, adjusted by Holm across every pair compared.")
    pairs_compared = serializers.IntegerField(help_text="Pairs of groups compared in this breakdown.")


class FrameworkRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    version = serializers.IntegerField()


class ResultsSerializer(serializers.Serializer):
    partnership = serializers.CharField()
    round = serializers.CharField()
    framework = FrameworkRefSerializer()
    threshold = serializers.IntegerField(help_text="No figure is given for a group smaller than this.")
    respondents = serializers.IntegerField(
        allow_null=True, help_text="Null for viewers while fewer than the threshold have responded."
    )
    visible = serializers.BooleanField(help_text="False until the round has at least `threshold` responses.")
    rows = ResultRowSerializer(many=True)
    attention = AttentionSerializer(many=True)
    differences = DifferenceSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
