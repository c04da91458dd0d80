"""What django-rest-knox does not keep about an API token: the name its owner gave it, and the day
it was last used.

Knox's ``AuthToken`` holds the token's SHA-512 digest, the first 15 characters (to find the row),
the owner, when it was made and when it expires; never the token itself.
"""

from django.db import models


class ApiToken(models.Model):
    token = models.OneToOneField("knox.AuthToken", on_delete=models.CASCADE, related_name="details")
    name = models.CharField(max_length=100, help_text="What the owner calls it, such as 'Power BI dashboard'.")
    # The day only: enough to tell an unused token from one in use, and no record of when, or how often.
    last_used_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
