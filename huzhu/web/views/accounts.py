"""Account pages: sign up (with consent), log in (throttled by django-axes), log out, change password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huzhu.accounts.services import user_change_password, user_signup
from huzhu.core.errors import HuzhuError
from huzhu.web.forms import LoginForm, PasswordChangeForm, SignupForm


def safe_next(request: HttpRequest, default: str = "web:my_groups") -> str:
    """The ``next`` parameter if it points into this site, else ``default`` (a URL name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = user_signup(
                    username=data["username"],
                    display_name=data["display_name"],
                    password=data["password1"],
                    accept_privacy_policy=data["accept_privacy_policy"],
                    accept_community_rules=data["accept_community_rules"],
                    age_14_or_over=data["age"] == "14_or_over",
                    guardian_name=data["guardian_name"],
                    guardian_consent=data["guardian_consent"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, _("欢迎你，%(name)s！账号已创建。") % {"name": user.display_name}
                )
                return redirect(safe_next(request))
        else:
            status = 400
    return render(
        request,
        "web/signup.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


class LoginView(auth_views.LoginView):
    """Django's login view with our form; django-axes locks out after repeated failures and then
    renders the same template with ``lockout_message`` (see ``huzhu.accounts.lockout``)."""

    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        from huzhu.web.views.privacy import restore_offer

        # The right password of an account waiting for erasure: offer to restore it.
        restore = restore_offer(
            self.request,
            username=self.request.POST.get("username", "")[:150],
            password=self.request.POST.get("password", "")[:200],
        )
        return self.render_to_response(
            self.get_context_data(form=form, restore=restore), status=400
        )


login_view = LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user_change_password(
                    user=request.user,  # type: ignore[arg-type]
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
                messages.success(request, _("密码已修改。"))
                return redirect("web:password_change")
        else:
            status = 400
    return render(
        request,
        "web/password_change.html",
        {"form": form, "nav": "account"},
        status=status,
    )
