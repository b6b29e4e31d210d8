"""Bank statement import for treasurers: upload, choose columns, review, confirm.

The uploaded file waits in the session between "upload" and "choose columns" (at most 2 MB); it
becomes lines only when the treasurer confirms the mapping.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.errors import UserFacingError
from coopbuy.ledger import selectors, statements
from coopbuy.ledger.forms import AssignLineForm, StatementMappingForm, StatementUploadForm
from coopbuy.ledger.models import StatementLine
from coopbuy.ledger.permissions import group_for_treasurer
from coopbuy.ledger.treasurer_views import _user, form_error

SESSION_KEY = "ledger-statement-upload"


@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        content = uploaded.read(statements.MAX_BYTES + 1)
        try:
            statements.statement_read(content)
        except UserFacingError as error:
            form_error(form, error)
        else:
            request.session[SESSION_KEY] = {
                "group": group.pk,
                "name": uploaded.name,
                "content": base64.b64encode(content).decode(),
            }
            return redirect("ledger:statement_mapping", slug=group.slug)
    return render(
        request,
        "ledger/statement_upload.html",
        {"group": group, "membership": membership, "form": form},
    )


@login_required
def mapping(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("group") != group.pk:
        messages.info(request, _("Upload a statement first."))
        return redirect("ledger:statement_upload", slug=group.slug)
    content = base64.b64decode(stored["content"])
    parsed = statements.statement_read(content)
    form = StatementMappingForm(request.POST or None, headers=parsed.headers)
    if request.method == "POST" and form.is_valid():
        try:
            record = statements.statement_import(
                group=group,
                actor=_user(request),
                filename=stored["name"],
                content=content,
                mapping=form.mapping(),
                date_format=form.cleaned_data["date_format"],
                decimal_separator=form.cleaned_data["decimal_separator"] or "auto",
            )
        except UserFacingError as error:
            form_error(form, error)
        else:
            del request.session[SESSION_KEY]
            matched = StatementLine.objects.filter(
                statement=record, status=StatementLine.Status.MATCHED
            ).count()
            messages.success(
                request,
                _("%(new)s new lines (%(matched)s matched to members), %(dup)s already imported.")
                % {"new": record.line_count, "matched": matched, "dup": record.duplicate_count},
            )
            return redirect("ledger:statement_review", slug=group.slug)
    context = {
        "group": group,
        "membership": membership,
        "form": form,
        "headers": parsed.headers,
        "sample": parsed.rows[:5],
        "filename": stored["name"],
    }
    return render(request, "ledger/statement_mapping.html", context)


@login_required
def review(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    page = Paginator(selectors.lines_to_review(group=group), 30).get_page(request.GET.get("page"))
    rows = [(line, AssignLineForm(group=group, prefix=f"line{line.pk}")) for line in page]
    context = {"group": group, "membership": membership, "page": page, "rows": rows}
    return render(request, "ledger/statement_review.html", context)


@login_required
@require_POST
def confirm_matched(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = group_for_treasurer(slug=slug, user=request.user)
    booked = statements.statement_confirm_matched(group=group, actor=_user(request))
    messages.success(request, _("%(n)s matched lines are booked as top-ups.") % {"n": booked})
    return redirect("ledger:statement_review", slug=group.slug)


@login_required
@require_POST
def line_action(request: HttpRequest, slug: str, line_id: int) -> HttpResponse:
    group, _membership = group_for_treasurer(slug=slug, user=request.user)
    line = get_object_or_404(StatementLine, pk=line_id, group=group)
    action = request.POST.get("action")
    try:
        if action == "ignore":
            statements.statement_line_ignore(line=line, actor=_user(request))
            messages.success(request, _("The line is set aside."))
        elif action == "assign":
            form = AssignLineForm(request.POST, group=group, prefix=f"line{line.pk}")
            if not form.is_valid():
                messages.error(request, _("Choose a member of this group."))
                return redirect("ledger:statement_review", slug=group.slug)
            statements.statement_line_book(
                line=line, actor=_user(request), membership=form.cleaned_data["membership"]
            )
            messages.success(request, _("The line is booked as a top-up."))
        else:
            statements.statement_line_book(line=line, actor=_user(request))
            messages.success(request, _("The line is booked as a top-up."))
    except UserFacingError as error:
        messages.error(request, error.message)
    return redirect("ledger:statement_review", slug=group.slug)
