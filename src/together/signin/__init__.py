"""Signing in with a second factor (an authenticator app, recovery codes) and single sign-on."""
