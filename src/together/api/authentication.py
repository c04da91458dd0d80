"""``Authorization: Token …`` checked against knox's hashed tokens, noting the day each is used.

Knox refuses a token that has expired (and deletes it), one that has been revoked, and any token
of a disabled account (``is_active`` false), each with 401.
"""

from knox.auth import TokenAuthentication as KnoxTokenAuthentication

from . import tokens


class TokenAuthentication(KnoxTokenAuthentication):
    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        tokens.used_today(auth_token)
        return user, auth_token
