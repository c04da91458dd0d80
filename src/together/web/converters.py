class ObjectId:
    """A database id in a URL: digits only, and short enough to fit a 64-bit integer column.

    Django's ``int`` converter accepts any length, and a 30-digit number then fails inside the
    database driver instead of giving "not found".
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
