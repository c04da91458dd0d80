"""At most ``API_RATE_LIMIT`` requests per API token in each window; beyond it 429 with Retry-After.

The count is kept by :mod:`together.reviews.ratelimit` (in the database, or in Redis with
REDIS_URL), so every instance of the service shares it. Requests without a token are refused
before throttling, or (the schema) are not counted.
"""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from together.reviews import ratelimit


class PerToken(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        if request.auth is None:
            return True
        allowed, self.retry_after = ratelimit.count("api", request.auth.digest, settings.API_RATE_LIMIT)
        return allowed

    def wait(self) -> int:
        return self.retry_after
