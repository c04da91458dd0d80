from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed files once ``collectstatic`` has run; plain names before (development, tests).

    With a manifest, a missing file is still an error, so a broken deployment fails loudly.
    """

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)
