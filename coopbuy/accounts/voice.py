"""What signing up, logging in and choosing a password say, in coopbuy's own voice.

Django's password validators and allauth's adapter come with their own wording ("This password is
too short. It must contain at least 8 characters.", "Invalid or expired key."). The rules stay
theirs; only the words change: say what happened and what to do next, plainly, without blame.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import password_validation as django_passwords
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class MinimumLengthValidator(django_passwords.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return (
            ngettext(
                "Choose a longer password: at least %d character.",
                "Choose a longer password: at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min_length)d character.",
            "At least %(min_length)d characters: a few words you will remember work well.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_passwords.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return str(_("This password is too like your %(verbose_name)s: choose another one."))

    def get_help_text(self) -> str:
        return str(_("Not like your email address or your name."))


class CommonPasswordValidator(django_passwords.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return str(_("So many people use this password that it is easy to guess: choose another."))

    def get_help_text(self) -> str:
        return str(_("Not one of the passwords many people use."))


class NumericPasswordValidator(django_passwords.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return str(_("Use letters as well as numbers in your password."))

    def get_help_text(self) -> str:
        return str(_("Not only numbers."))


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    """allauth's behaviour, with the messages people can meet rewritten."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is closed. Write to us if you think it should not be."),
        "duplicate_email": _("This email address is already on your account."),
        "email_password_mismatch": _(
            "That email address and password do not match. Check them, or reset your password."
        ),
        "email_taken": _(
            "Someone has already signed up with this email address. If it is yours, log in or "
            "reset your password."
        ),
        "enter_current_password": _("Type your current password first."),
        "incorrect_password": _("That is not your current password."),
        "invalid_or_expired_key": _(
            "This link has expired or was already used. Ask for a new one."
        ),
        "invalid_login": _("That did not work. Check your email address and password."),
        "invalid_password_reset": _(
            "This password-reset link has expired or was already used. Ask for a new one."
        ),
        "too_many_login_attempts": _(
            "Too many tries with the wrong password. Wait a few minutes, or reset your password."
        ),
        "unknown_email": _("We have no account with this email address."),
        "unverified_primary_email": _(
            "Confirm your email address first: use the link we sent you, or ask for a new one."
        ),
        "rate_limited": _("That was a lot of requests at once. Wait a minute and try again."),
        "same_as_current": _("That is what it is already: give a different one."),
    }
