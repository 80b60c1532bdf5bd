"""Personal API tokens: create (the secret is shown once, in the response to the POST), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huzhu.accounts.services import api_token_create, api_token_revoke
from huzhu.core.errors import HuzhuError
from huzhu.web.forms import ApiTokenForm


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    status = 200
    created = None
    if request.method == "POST":
        if form.is_valid():
            try:
                token, secret = api_token_create(
                    user=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                # The secret is never stored: it is rendered into this one response and not kept
                # in the session, so a reload cannot show it again.
                created = {"token": token, "secret": secret}
                form = ApiTokenForm()
        else:
            status = 400
    response = render(
        request,
        "web/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": request.user.api_tokens.all(),  # type: ignore[union-attr]
            "nav": "tokens",
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    messages.success(
        request, _("令牌“%(name)s”已撤销，使用它的程序将无法再访问。") % {"name": token.name}
    )
    return redirect("web:tokens")
