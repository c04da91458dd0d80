from django.urls import include, path, register_converter

from together.accounts import passwords
from together.actions import views as actions
from together.api import pages as api_pages
from together.feedback import views as feedback
from together.frameworks import urls as library
from together.imports import views as imports
from together.jobs import views as prepared_files
from together.operator import public as signup
from together.partnerships import views as partnerships
from together.reports import views as reports
from together.results import views as results
from together.reviews import respond
from together.reviews import views as reviews
from together.signin import views as signin
from together.web import views
from together.web.converters import ObjectId
from together.web.languages import language_patterns

register_converter(ObjectId, "id")

partnership_urls = [
    path("", partnerships.partnership_detail, name="partnership"),
    path("edit/", partnerships.partnership_edit, name="partnership-edit"),
    path("organisations/add/", partnerships.organisation_form, name="organisation-add"),
    path("organisations/<id:organisation_id>/", partnerships.organisation_form, name="organisation-edit"),
    path(
        "organisations/<id:organisation_id>/remove/",
        partnerships.organisation_delete,
        name="organisation-delete",
    ),
    path("groups/add/", partnerships.group_form, name="group-add"),
    path("groups/<id:group_id>/", partnerships.group_form, name="group-edit"),
    path("members/", partnerships.members, name="members"),
    path("members/invite/", partnerships.member_invite, name="member-invite"),
    path("members/<id:membership_id>/role/", partnerships.member_role, name="member-role"),
    path("members/<id:membership_id>/remove/", partnerships.member_remove, name="member-remove"),
    path("frameworks/", include(library.partnership_urls())),
    path("rounds/new/", reviews.round_create, name="round-create"),
    path("rounds/<id:round_id>/", reviews.round_detail, name="round"),
    path("rounds/<id:round_id>/edit/", reviews.round_edit, name="round-edit"),
    path("rounds/<id:round_id>/state/", reviews.round_transition, name="round-transition"),
    path("rounds/<id:round_id>/open-link/", reviews.round_open_link, name="round-open-link"),
    path("rounds/<id:round_id>/residents-link/", reviews.round_variant_link, name="round-variant-link"),
    path("rounds/<id:round_id>/invitations/", reviews.invitation_upload, name="invitations-upload"),
    path("rounds/<id:round_id>/invitations/send/", reviews.invitations_send, name="invitations-send"),
    path("rounds/<id:round_id>/invitations/remind/", reviews.invitations_remind, name="invitations-remind"),
    path("rounds/<id:round_id>/invitations/retry/", reviews.invitations_retry, name="invitations-retry"),
    path("rounds/<id:round_id>/import/", imports.upload, name="import-upload"),
    path("rounds/<id:round_id>/import/reading/", imports.reading, name="import-reading"),
    path("rounds/<id:round_id>/import/columns/", imports.columns, name="import-map"),
    path("rounds/<id:round_id>/import/values/", imports.answer_values, name="import-values"),
    path("rounds/<id:round_id>/import/check/", imports.check, name="import-check"),
    path("rounds/<id:round_id>/import/mapping.json", imports.mapping_file, name="import-mapping"),
    path("rounds/<id:round_id>/import/cancel/", imports.cancel, name="import-cancel"),
    path("rounds/<id:round_id>/import/<int:batch_id>/remove/", reviews.import_remove, name="import-remove"),
    path("rounds/<id:round_id>/import/<int:batch_id>/", reviews.import_progress, name="import-progress"),
    path("engagement/", include("together.engagement.urls")),
    path("actions/", actions.action_plan, name="actions"),
    path("actions/new/", actions.action_form, name="action-new"),
    path("actions/export.<str:fmt>", actions.action_export, name="actions-export"),
    path("actions/<id:action_id>/", actions.action_detail, name="action"),
    path("actions/<id:action_id>/edit/", actions.action_form, name="action-edit"),
    path("actions/<id:action_id>/state/", actions.action_change, name="action-change"),
    path("actions/<id:action_id>/notes/", actions.action_note, name="action-note"),
    path("rounds/<id:round_id>/results/", results.overview, name="results"),
    path("rounds/<id:round_id>/results/themes/<slug:theme_id>/", results.theme, name="results-theme"),
    path("rounds/<id:round_id>/results/differences/", results.differences, name="results-differences"),
    path("rounds/<id:round_id>/results/attention/", results.attention, name="results-attention"),
    path("rounds/<id:round_id>/results/heatmap/", results.heatmap, name="results-heatmap"),
    path("rounds/<id:round_id>/results/languages/", results.languages, name="results-languages"),
    path("rounds/<id:round_id>/results/views/<slug:variant>/", results.audience, name="results-audience"),
    path("rounds/<id:round_id>/results/change/", results.change, name="results-change"),
    path("rounds/<id:round_id>/report/", reports.report, name="report"),
    path("rounds/<id:round_id>/report.<str:fmt>", reports.report, name="report-file"),
    path("rounds/<id:round_id>/export/<str:name>", reports.export, name="export"),
    path("rounds/<id:round_id>/files/<id:file_id>/", prepared_files.progress, name="prepared-file"),
    path("rounds/<id:round_id>/files/<id:file_id>/download", prepared_files.download, name="prepared-file-download"),
    path("rounds/<id:round_id>/you-said-we-did/", feedback.edit, name="you-said-we-did-edit"),
    path("rounds/<id:round_id>/paper/", include("together.paper.urls")),
    path("rounds/<id:round_id>/workshop/", results.workshop, name="workshop"),
    path("rounds/<id:round_id>/workshop/<id:step>/", results.workshop, name="workshop-step"),
    path("rounds/<id:round_id>/results/comments/<uuid:comment_id>/", results.moderate, name="results-moderate"),
]

respond_urls = [
    path("", respond.start, name="respond-start"),
    path("about/", respond.about, name="respond-about"),
    path("theme/<slug:theme_id>/", respond.theme, name="respond-theme"),
    path("priorities/", respond.priorities, name="respond-priorities"),
    path("check/", respond.check, name="respond-check"),
]

# Addresses that are not pages read in a language stay outside the language prefix: the health
# check, the API and the single sign-on callback (registered with the identity provider as it is).
urlpatterns = [
    path("healthz", views.health, name="health"),
    path("api/v1/", include("together.api.urls")),
    path("sign-in/sso/callback/", signin.sso_callback, name="sso-callback"),
]

# Every page: "/…" in English, "/cy/…" in Welsh (see docs/architecture.md, "Welsh and English").
urlpatterns += language_patterns(
    path("", views.home, name="home"),
    path("framework/", views.framework, name="framework"),
    path("framework/<slug:theme_id>/", views.theme, name="theme"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("", include("together.signin.urls")),
    path("account/api/", api_pages.api_tokens, name="api-token"),
    path("account/api/<id:token_id>/revoke/", api_pages.api_token_revoke, name="api-token-revoke"),
    path("account/", passwords.account, name="account"),
    path("account/password/", passwords.PasswordChange.as_view(), name="password-change"),
    path("account/password-reset/", passwords.PasswordReset.as_view(), name="password-reset"),
    path("account/password-reset/sent/", passwords.PasswordResetSent.as_view(), name="password-reset-sent"),
    path(
        "account/password-reset/<str:uidb64>/<str:token>/",
        passwords.PasswordResetConfirm.as_view(),
        name="password-reset-confirm",
    ),
    path("account/set-password/<str:uidb64>/<str:token>/", passwords.SetPassword.as_view(), name="set-password"),
    path("sign-up/", signup.sign_up, name="sign-up"),
    path("sign-up/sent/", signup.sign_up_sent, name="sign-up-sent"),
    path("sign-up/confirm/", signup.sign_up_password, name="sign-up-password"),
    path("sign-up/confirm/<str:token>/", signup.sign_up_confirm, name="sign-up-confirm"),
    path("operator/", include("together.operator.urls")),
    path("partnerships/", partnerships.partnership_list, name="partnerships"),
    path("partnerships/new/", partnerships.partnership_create, name="partnership-create"),
    path("partnerships/<id:partnership_id>/", include(partnership_urls)),
    path("join/<str:token>/", partnerships.join, name="join"),
    path("r/<str:code>/", respond.open_link, name="respond-open"),
    path("i/<str:token>/", respond.invitation_link, name="respond-invitation"),
    path("resume/<uuid:public_id>/<str:key>/", respond.resume, name="respond-resume"),
    path("respond/<uuid:public_id>/", include(respond_urls)),
    path("respond/<uuid:public_id>/done/", respond.done, name="respond-done"),
    path("respond/<uuid:public_id>/you-said-we-did/", feedback.summary, name="you-said-we-did"),
    path("solo/", include("together.solo.urls")),
)

handler400 = "together.web.views.bad_request"
handler404 = "together.web.views.not_found"
handler500 = "together.web.views.server_error"
