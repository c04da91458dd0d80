"""How the OpenAPI schema describes signing in to the API."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "together.api.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'Send "Authorization: Token YOUR-TOKEN". Make a token, named and lasting 30, 90 or 365 days, '
                "at /account/api/ when signed in; it is shown once. Expired or revoked tokens, and tokens of "
                "a disabled account, get 401. Each token may make a limited number of requests a minute "
                "(API_RATE_LIMIT); beyond it the answer is 429 with Retry-After in seconds."
            ),
        }
