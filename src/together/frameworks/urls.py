"""The library's addresses: under a partnership, and (the same pages) in the operator area."""

from django.urls import path

from . import views


def _pages(prefix: str, v: dict) -> list:
    return [
        path("", v["library"], name=f"{prefix}home"),
        path("upload/", v["upload"], name=f"{prefix}upload"),
        path("template.xlsx", v["template"], name=f"{prefix}template"),
        path("drafts/<id:draft_id>/", v["draft"], name=f"{prefix}draft"),
        path("drafts/<id:draft_id>/publish/", v["draft_publish"], name=f"{prefix}draft-publish"),
        path("drafts/<id:draft_id>/discard/", v["draft_discard"], name=f"{prefix}draft-discard"),
        path("drafts/<id:draft_id>/preview/", v["draft_preview"], name=f"{prefix}draft-preview"),
        path("drafts/<id:draft_id>/preview/<slug:step>/", v["draft_preview"], name=f"{prefix}draft-preview-step"),
        path("<id:library_id>/", v["framework"], name=f"{prefix}framework"),
        path("<id:library_id>/versions/<id:number>/current/", v["make_current"], name=f"{prefix}make-current"),
        path("<id:library_id>/versions/<id:number>/preview/", v["version_preview"], name=f"{prefix}version-preview"),
        path(
            "<id:library_id>/versions/<id:number>/download.<str:fmt>",
            v["version_download"],
            name=f"{prefix}version-download",
        ),
        path(
            "<id:library_id>/versions/<id:number>/translation.<str:fmt>",
            v["translation_download"],
            name=f"{prefix}translation-download",
        ),
        path("<id:library_id>/translation/", v["translation_upload"], name=f"{prefix}translation-upload"),
        path(
            "<id:library_id>/versions/<id:number>/preview/<slug:step>/",
            v["version_preview"],
            name=f"{prefix}version-preview-step",
        ),
    ]


NAMES = [
    "library",
    "upload",
    "draft",
    "draft_publish",
    "draft_discard",
    "draft_preview",
    "framework",
    "make_current",
    "version_preview",
    "template",
    "version_download",
    "translation_download",
    "translation_upload",
]


def partnership_urls() -> list:
    """Under ``partnerships/<id>/frameworks/``. Functions, so the ``id`` converter is registered first."""
    return _pages("library-", {name: getattr(views, name) for name in NAMES})


def operator_urls() -> list:
    """Under ``operator/frameworks/``, in the operator namespace."""
    return _pages("library-", {name: getattr(views, f"operator_{name}") for name in NAMES})
